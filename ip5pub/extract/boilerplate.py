"""Page furniture that survives main-text extraction: how to recognize it.

trafilatura removes most navigation; what is left inside the article area is
the furniture publishers put there themselves: "Keywords:" lines, share bars,
prev/next titles, press-release numbers, media contacts, licence notices,
appended spam lists, and trailing sections such as "Related news" or "About
WIPO". Each rule looks at one block of text and says whether it is furniture.
"""

from __future__ import annotations

import re

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
    r")",
    re.I,
)
# A heading that opens a trailing section of furniture: it and all after it go.
_TRAILING_HEADING = re.compile(
    r"^(?:Related(?:\s+\w+)?|Further information|More information|See also|Read more|More news|Latest news|"
    r"Most read|Popular|Recent posts|Recent articles|About (?:the )?[A-Z][\w&.\- ]{1,60}|Media contacts?|"
    r"Press contacts?|Contacts?|Notes to editors|Notes for editors|Subscribe.*|Share.*|Tags|Keywords|"
    r"相关(?:文章|新闻|链接|阅读|资讯)|推荐阅读|热点(?:文章|新闻)|延伸阅读|友情链接|"
    r"関連(?:リンク|記事|情報)|(?:このページに関する)?お問い合わせ(?:先)?|관련(?:기사|링크|글)|문의)\s*[:：]?\s*$",
    re.I,
)


# Press releases end with a mark; what follows is the "About us" boilerplate.
_END_MARK = re.compile(r"^(?:#{3}|-\s*30\s*-|[-–—]\s*(?:END|End|完|끝)\s*[-–—]|＃＃＃)$")


def ends_article(text: str) -> bool:
    return bool(_END_MARK.match(" ".join(text.split())))


def is_furniture(text: str) -> bool:
    """Is this block (a paragraph, list item or line) page furniture?"""
    text = " ".join(text.split())
    return bool(text) and (bool(_LINE.match(text)) or is_spam_run(text))


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
