"""Page furniture that survives main-text extraction: how to recognize it.

trafilatura removes most navigation; what is left inside the article area is
the furniture publishers put there themselves: "Keywords:" lines, share bars,
prev/next titles, press-release numbers, media contacts, licence notices,
appended spam lists, and trailing sections such as "Related news" or "About
WIPO". Each rule looks at one block of text and says whether it is furniture.
"""

from __future__ import annotations

import re

from ip5pub.extract.scripts import HANGUL

# The same furniture named in the languages of the offices' other sites:
# German (seitenleiste, randspalte, fusszeile, brotkrumen, teilen, kommentare),
# French (barre latérale, fil d'Ariane, pied de page, partage), Spanish and
# Italian (barra/colonna laterale, migas, pie de página, compartir, condividi).
FURNITURE_WORDS_ELSEWHERE = (r"seitenleiste|randspalte|marginalspalte|fuss|fusszeile|brotkrumen\w*|teilen|kommentare|"
                             r"verwandte\w*|barre-?laterale|lateral|laterale|fil-?(?:d-?)?ariane|pied-?de-?page|partage|"
                             r"commentaires|barra-?lateral|colonna-?laterale|migas\w*|pie-?de-?pagina|compartir|"
                             r"condividi|commenti|correlati|relacionad[oa]s")

# A whole block that is furniture (matched at the start of the block).
_LINE = re.compile(
    r"^(?:"
    r"(?:Keywords?|Tags?|Topics?|Categories|Filed under|Labels?|关键词|关键字|标签|主题词|キーワード|タグ|키워드|태그)\s*[:：]"
    r"|Share(?:\s+this(?:\s+(?:page|article|story))?|\s+on)?\s*[:：]?\s*(?:$|Facebook|Twitter|X\b|LinkedIn|E-?mail|Weibo|WeChat)"
    r"|(?:分享到|分享|シェア|공유하기)\s*[:：]?"
    r"|(?:[«‹<]\s*)?(?:Previous|Prev|Next|Previous post|Next post|Older|Newer)\s*(?:[:：]|(?:post|article|story)\b)"
    r"|(?:上一篇|下一篇|上一条|下一条|前の記事|次の記事|이전글|다음글)\s*[:：]?"
    r"|(?:Print|Close|Print this page|打印本页|关闭窗口|【打印本页】|【关闭窗口】)\s*(?:[|｜]|$)"
    r"|(?:Back to top|Page top|Top of page|返回顶部|このページの先頭へ|맨 위로)\s*$"
    r"|(?:Text size|Font size|字号|【?字体|文字サイズ|글자크기)\s*[:：]?"
    r"|(?:Media contacts?|Press contacts?|Contact(?:s)? for (?:the )?media|For media inquiries|媒体联系)\b"
    r"|(?:Press Release|News Release|PR)\s*(?:No\.?\s*)?[/ ]?\d{2,4}[-/]\d{1,4}(?:\b|$)"
    r"|(?:Copyright|©|\(c\)|版权所有|Copyright\s*©)"
    r"|(?:Disclaimer|免责声明|声明)\s*[:：]"
    r"|(?:Attachments?|첨부파일|附件)\s*(?:[:：]|\(none\)|$)"
    r"|(?:Hits|Views|浏览次数|阅读次数|조회수|閲覧数)\s*[:：]"
    r"|(?:Subscribe|Sign up)\b.{0,120}$"
    r"|(?:Unsubscribe|Update preferences|Forward to a colleague|You are receiving this)"
    r"|(?:扫一扫|扫描二维码)"
    r"|\[(?:List|Print|Top|Back)\]"
    r"|The post .{3,200} appeared first on .{2,100}$"
    r"|(?:Continue reading|Read more|Read the full (?:story|article|release))\b.{0,80}$"
    r"|[（(]?(?:责任编辑|编辑|审核|校对|作者|記者)\s*[:：][^）)]{1,30}[)）]?$"
    r"|.{0,40}공공누리|이 저작물은"
    r"|\[?(?:更新日|掲載日|最終更新日|Last updated|Page last updated|Last modified|更新时间|최종수정일)[:：\s].{0,30}\d.{0,20}$"
    r"|(?:FOR IMMEDIATE RELEASE|For immediate release)\s*$"
    rf"|[{HANGUL}]{{2,4}}\s*(?:기자|특파원)(?:\s*[\w.+-]+@[\w.-]+)?\s*$|(?:记者|記者)\s*[\u4e00-\u9fff]{{2,4}}\s*$"
    r"|저작권자|.{0,60}무단\s*전재|.{0,60}(?:未经(?:授权|许可)不得转载|無断(?:転載|複製)を禁じ)"
    r")",
    re.I,
)
# A short block that addresses the reader instead of reporting: sign-up boxes,
# author and newsroom contact lines, calls to join, support, download or click,
# lead-ins to other stories, the legal notices of newsletters and wires.
_ADDRESS = re.compile(
    r"^(?:"
    r"Thanks? (?:you )?for (?:signing up|subscribing)|There was an error processing your"
    r"|Keep an eye on your inbox|(?:Get|Receive) .{3,80} (?:in|to) your inbox|Enter your e-?mail"
    r"|(?:E-?mail|Write to|Contact) [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} at \S+@"
    r"|Have a (?:news )?tip\?|Follow (?:us|him|her|them|me) on (?:Twitter|X|Facebook|Instagram|LinkedIn|WeChat|Weibo)"
    r"|Join (?:our|the) .{0,40}(?:forums?|community|conversation|discussion|newsletter|mailing list)"
    r"|Support [A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3} (?:and|so|to|today)\b"
    r"|Click here (?:to|for)\b|.{0,60}\bby clicking here\W*$|(?:Download|Get) (?:our|the) .{0,40}\bapp\W*$"
    r"|For (?:more|further) information,? (?:please )?(?:contact|call|write to|e-?mail)\b"
    r"|(?:Tell|Let) us (?:what you think|know)|You must (?:be )?log(?:ged)? ?in to (?:post a )?comment"
    r"|Want more .{1,40}\? (?:Join|Sign up|Subscribe)"
    r"|(?:Related|See more|See also|Read also|Also read|Read more|More|Don'?t miss|Recommended|Watch|Listen)\s*[:：]"
    r"|Don'?t miss\W*$|(?:Tags?|Tagged|Topics|Keywords?)\s+[^.!?:]{1,200},[^.!?]{1,200}$"
    r"|This (?:document|material|article|content|story) (?:is subject to copyright|may not be (?:published|reproduced))"
    r"|(?:If you (?:no longer|do not|don't) wish to receive|To (?:unsubscribe|stop receiving))"
    r")"
    r"|\bnot (?:intended (?:to be|as)|constitute|be (?:relied|construed) (?:up)?on as) (?:\w+ )?"
    r"(?:legal|professional|investment|tax) advice"
    r"|\bfor (?:general )?information(?:al)? purposes only\b"
    r"|\b(?:reply|respond)(?: with)? [\"“']?UNSUBSCRIBE\b"
    r"|配信(?:の)?停止|配信解除|法的(?:助言|アドバイス)を構成する|不构成(?:任何)?法律(?:意见|建议)|取消订阅|退订"
    r"|수신(?:을)? 원하지 않으시면|수신\s?거부|법률\s?자문(?:이|을)?\s?(?:구성하지|아닙)",
    re.I,
)
# A hotline or contact block: a label and a telephone number, little else.
_CONTACT = re.compile(
    r"(?:\b(?:Tel|Phone|Telephone|Fax|Hotline|Call cent(?:er|re)|Customer (?:Service|Support)(?: Cent(?:er|re))?)\b"
    r"|电话|热线|传真|電話|お問い合わせ|전화|콜센터|상담센터|☎).{0,30}?\+?\d[\d\s().-]{5,}\d",
    re.I,
)
# An "About us" paragraph without its heading: "Example Corp is a leading provider of ...".
_COMPANY = re.compile(
    r"^(?:[A-Z][\w&.'’-]*)(?: (?:[A-Z][\w&.'’-]*|of|and|for|&)){0,6}(?: \([^)]{1,40}\))?"
    r" is (?:a|an|the) (?:[\w’'-]+ ){0,5}?"
    r"(?:provider|company|manufacturer|firm|organi[sz]ation|developer|supplier|maker|group|agency|leader|platform|"
    r"network|publisher|association|specialist|consultancy|operator|producer|institution|forum|practice)\b"
)
# A heading that opens a trailing section of furniture: it and all after it go.
_TRAILING_HEADING = re.compile(
    r"^(?:Related(?:\s+\w+)?|Further information|More information|See also|Read more|More news|Latest news|"
    r"Most read|Popular|Recent posts|Recent articles|About (?:the )?[A-Z][\w&.\- ]{1,60}|Media contacts?|"
    r"Press contacts?|Contacts?|Notes to editors|Notes for editors|Subscribe.*|Share(?: (?:this|on|via))?(?: \w+)?|"
    r"Tags|Keywords|You (?:may|might) also (?:like|be interested in|enjoy)|"
    r"Was this (?:page|information|article) (?:helpful|useful)\??|Did you find what you were looking for\??|"
    r"(?:이 페이지에서 제공하는 )?정보에 만족하십니까\??|このページの情報は(?:役に立ちましたか|わかりやすかったですか)[?？]?|"
    r"(?:您对)?本页(?:内容|信息)(?:对您)?(?:是否)?(?:有(?:用|帮助)|满意)[?？吗]*|"
    r"Top (?:stories|news|reads)|More (?:stories|from .{2,40})|"
    r"Trending(?: now)?|Recommended(?: for you| reading)?|What to read next|Editor'?s picks|"
    r"猜你喜欢|相关推荐|热门(?:文章|新闻)|おすすめ(?:記事)?|人気記事|추천 ?기사|많이 본 (?:뉴스|기사)|"
    r"相关(?:文章|新闻|链接|阅读|资讯)|推荐阅读|热点(?:文章|新闻)|延伸阅读|友情链接|"
    r"関連(?:リンク|記事|情報)|(?:このページに関する)?お問い合わせ(?:先)?|관련(?:기사|링크|글)|문의)\s*(?:[:：]|\.\.\.|…)?\s*$",
    re.I,
)


# Press releases end with a mark; what follows is the "About us" boilerplate.
_END_MARK = re.compile(r"^(?:#{3}|-\s*30\s*-|[-–—]\s*(?:END|End|完|끝)\s*[-–—]|＃＃＃)$")


def ends_article(text: str) -> bool:
    return bool(_END_MARK.match(" ".join(text.split())))


def is_furniture(text: str) -> bool:
    """Is this block (a paragraph, list item or line) page furniture?"""
    text = " ".join(text.split())
    if not text:
        return False
    if _LINE.match(text) or is_spam_run(text) or is_breadcrumb(text):
        return True
    if len(text) <= 400 and _ADDRESS.search(text):
        return True
    return len(text) <= 120 and bool(_CONTACT.search(text)) and not _sentence(text)


def _sentence(text: str) -> bool:
    """Reads as a reported sentence: a verb phrase ending in a full stop, not a label and a number."""
    return bool(re.search(r"[a-z]{3,}[^.]*\.\s*$", text)) and len(text.split()) >= 8


# The same in Chinese, Japanese and Korean: "青葉国際特許事務所は、…を専門とする特許事務所です。"
_COMPANY_CJK = re.compile(
    r"^[^\s、。，,]{2,30}(?:事務所|事务所|株式会社|有限公司|公司|特許業務法人|법률사무소|특허사무소|법무법인)(?:は|是|는|은)"
    r".{0,160}(?:事務所|事务所|会社|公司|法人|機関|机构|사무소|법인|기관)(?:です|である|입니다)?[。.]$"
)


def is_company_boilerplate(text: str) -> bool:
    """'Example Corp is a leading provider of ...': the publisher's 'About us' without its heading."""
    text = " ".join(text.split())
    return bool(_COMPANY.match(text) or _COMPANY_CJK.match(text))


_NAV_LABEL = re.compile(r"^(?:[«‹<]\s*)?(?:Previous|Prev|Next|Older|Newer)(?:\s+(?:post|article|story|page|item))?\s*[»›>]?$"
                        r"|^(?:上一篇|下一篇|上一条|下一条|前の記事|次の記事|前へ|次へ|이전글|다음글)$", re.I)


def is_nav_label(text: str) -> bool:
    """'Prev', 'Next post', '下一篇', '이전글': the label of a previous / next link."""
    return bool(_NAV_LABEL.match(" ".join(text.split())))


def is_breadcrumb(text: str) -> bool:
    """'Home > News > Press releases', '홈 > 알림마당 > 보도자료': three or more short steps, no sentence."""
    steps = [x.strip() for x in re.split(r"\s*(?:>|›|»|→|/|＞|〉)\s*", text)]
    if len(steps) < 3 or not all(steps):
        return False
    return all(len(x.split()) <= 4 and len(x) <= 24 for x in steps) and not re.search(r"[.!?。！？]$", text)


def is_spam_run(text: str) -> bool:
    """'北京|上海|天津|重庆|…': many short items separated by bars or slashes.

    Articles do not string five or more two-to-eight-character names together
    with '|'; link farms appended to republished pages do.
    """
    parts = [p.strip() for p in re.split(r"\s*[|｜]\s*", text)]
    if len(parts) < 5:
        return False
    short = [p for p in parts if p and (len(p) <= 8 or len(p.split()) <= 3)]
    return len(short) >= 0.8 * len(parts)


def opens_trailing_section(heading: str) -> bool:
    """A heading such as 'Related news' or 'About WIPO' after the article."""
    return bool(_TRAILING_HEADING.match(" ".join(heading.split())))
