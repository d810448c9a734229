"""Word lists for bench/generate.py's realistic notices (written for the bench).

Many short lists that sentence patterns combine, so that two notices share
few runs of four words (the duplicate check's copy signal) and no two report
the same event (each has its own event date and numbers).
"""

from __future__ import annotations

OFFICES = [
    ("CNIPA", "China National Intellectual Property Administration", "cnipa.example"),
    ("EPO", "European Patent Office", "epo.example"),
    ("JPO", "Japan Patent Office", "jpo.example"),
    ("KIPO", "Korean Intellectual Property Office", "kipo.example"),
    ("USPTO", "United States Patent and Trademark Office", "uspto.example"),
    ("WIPO", "World Intellectual Property Organization", "wipo.example"),
]
PARTNERS = ["the Brazilian institute", "the Canadian office", "the Mexican institute", "the Saudi authority",
            "the Israeli office", "the Danish office", "the Chilean institute", "the Australian office",
            "the Singapore office", "the Indian office", "the Vietnamese office", "the Moroccan office",
            "the Philippine office", "the Turkish institute", "the Colombian office", "the Egyptian academy",
            "the Nordic institute", "the Eurasian office", "the African regional organization", "the Thai department"]
TOPICS = [
    ("Patent Prosecution Highway", "PPH"), ("artificial intelligence", "AI"),
    ("small and medium-sized enterprises", "SMEs"), ("Patent Cooperation Treaty", "PCT"),
    ("standard essential patents", "SEPs"), ("new emerging technologies", "NET"), ("Global Dossier", "GD"),
    ("collaborative search and examination", "CSE"), ("Unified Patent Court", "UPC"),
    ("geographical indications", "GIs"), ("industrial designs", "ID"), ("plant variety protection", "PVP"),
    ("computer-implemented inventions", "CII"), ("supplementary protection certificates", "SPC"),
    ("alternative dispute resolution", "ADR"), ("machine translation", "MT"),
    ("biological sequence listings", "ST26"), ("green technology", "GT"),
]
TITLE_VERBS = ["launches", "extends", "revises", "publishes", "opens", "concludes", "expands", "pilots", "renews",
               "simplifies", "reviews", "updates", "announces", "completes", "adopts", "trials"]
TITLE_OBJECTS = ["pilot programme", "fee schedule", "examination guidelines", "user survey", "filing portal",
                 "training course", "annual report", "cooperation plan", "statistics release", "quality charter",
                 "search tool", "helpdesk service", "consultation", "work-sharing arrangement", "classification update",
                 "data exchange", "hearing procedure", "legal framework"]
CITIES = ["Geneva", "Munich", "Tokyo", "Daejeon", "Alexandria", "Beijing", "The Hague", "Seoul", "Osaka", "Vienna",
          "Shanghai", "Denver", "Berlin", "Busan", "Dallas", "Shenzhen", "Rijswijk", "Nagoya", "Brussels", "Singapore",
          "Lisbon", "Madrid", "Helsinki", "Warsaw", "Dublin", "Prague", "Rome", "Ottawa", "Canberra", "Nairobi"]
PEOPLE = ["applicants", "attorneys", "examiners", "inventors", "universities", "start-ups", "law firms",
          "research institutes", "patent agents", "national offices", "industry associations", "court judges",
          "technology transfer offices", "design owners", "trademark holders", "young researchers"]
ADJECTIVES = ["faster", "clearer", "cheaper", "simpler", "more consistent", "more transparent", "more predictable",
              "more accessible", "better documented", "fully electronic", "easier to audit", "harmonised"]
ACTIONS = ["file documents online", "request accelerated examination", "pay fees in one step", "track pending cases",
           "submit prior art", "correct bibliographic data", "book video hearings", "translate claims",
           "download certified copies", "withdraw applications", "appoint representatives", "search older records",
           "validate designations", "answer office actions", "register licences", "record transfers of rights"]
FIELDS = ["semiconductors", "batteries", "biotechnology", "medical devices", "telecommunications", "robotics",
          "quantum computing", "hydrogen storage", "digital payments", "autonomous vehicles", "vaccines",
          "agritech", "display panels", "wind turbines", "food processing", "precision optics", "3D printing",
          "cybersecurity", "satellite systems", "recycling methods"]
UNITS = ["applications", "requests", "grants", "registrations", "oppositions", "appeals", "hearings", "visitors",
         "participants", "search reports", "office actions", "renewals"]
MEASURES = ["pendency", "backlog", "grant rate", "first-action time", "user satisfaction", "error rate",
            "online filing share", "renewal rate", "appeal rate", "cost per case"]
QUOTERS = ["the Commissioner", "the President", "the Director General", "the Deputy Commissioner",
           "the head of examination", "the chief economist", "the director of international affairs",
           "the programme manager", "the head of quality", "the chief information officer"]
CONNECTIVES = ["In addition,", "Meanwhile,", "At the same time,", "According to the office,", "In practice,",
               "For the first time,", "As a next step,", "In the same period,", "By contrast,", "Overall,"]
SECTIONS = ["Background", "What changes", "Figures", "Next steps", "Who is affected", "Timeline", "Contacts",
            "Transition rules", "Questions and answers", "Results"]
NAV = ["Home", "News", "Patents", "Trademarks", "Designs", "Services", "Statistics", "About us", "Contact"]
SHARE = ["Share on X", "LinkedIn", "Facebook", "E-mail", "Print", "Copy link"]
FOOTER = ["Privacy policy", "Accessibility", "Legal notice", "Cookie settings", "Site map", "Careers", "Contact us"]

# Chinese, Japanese and Korean notices: clause patterns with slots, each
# filled from its own list and with numbers of the notice's own.
CJK = {
    "zh": {
        "offices": {"CNIPA": "国家知识产权局", "EPO": "欧洲专利局", "JPO": "日本特许厅", "KIPO": "韩国知识产权局",
                    "USPTO": "美国专利商标局", "WIPO": "世界知识产权组织"},
        "topics": ["专利审查高速路", "人工智能", "中小企业", "专利合作条约", "标准必要专利", "绿色技术", "地理标志",
                   "外观设计", "植物新品种", "数据交换", "机器翻译", "质量管理", "知识产权保护", "商标注册"],
        "verbs": ["发布", "启动", "修订", "公布", "延长", "扩大", "完成", "试行", "更新", "签署"],
        "objects": ["试点项目", "收费标准", "审查指南", "统计数据", "合作计划", "培训课程", "在线平台", "年度报告",
                    "服务指南", "工作方案", "咨询意见", "合作备忘录"],
        "people": ["申请人", "代理机构", "审查员", "发明人", "高校", "科研院所", "初创企业", "律师事务所", "地方局"],
        "fields": ["半导体", "电池", "生物技术", "医疗器械", "通信", "机器人", "量子计算", "氢能", "数字支付",
                   "自动驾驶", "疫苗", "农业技术", "显示面板", "风电"],
        "cities": ["北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "西安", "南京", "苏州", "天津", "重庆"],
        "adjectives": ["更加便捷", "更加透明", "更加高效", "更可预期", "更加规范", "更加统一"],
        "clauses": [
            "{office}于{year}年{month}月{day}日在{city}{verb}{topic}{object}",
            "{people}可以通过{object}提交{count}件以上的申请",
            "截至{year}年{month}月底，{field}领域共受理{count}件{topic}申请，同比增长{pct}%",
            "{quote}表示，新的{object}将使审查{adj}",
            "本次{object}涉及{field}和{field2}两个领域，共有{count}名{people}参加",
            "平均审查周期缩短至{small}个月，{people}满意度达到{pct}%",
            "{city}分中心已处理{count}件请求，其中{field}领域占{pct}%",
            "下一阶段将在{city}和{city2}组织{small}场宣讲会，面向{people}介绍{topic}",
        ],
        "quote": ["局长", "副局长", "审查业务部负责人", "国际合作司负责人", "项目负责人"],
        "sep": "，", "end": "。", "space": "",
    },
    "ja": {
        "offices": {"CNIPA": "中国国家知識産権局", "EPO": "欧州特許庁", "JPO": "特許庁", "KIPO": "韓国特許庁",
                    "USPTO": "米国特許商標庁", "WIPO": "世界知的所有権機関"},
        "topics": ["特許審査ハイウェイ", "人工知能", "中小企業支援", "特許協力条約", "標準必須特許", "グリーン技術",
                   "意匠制度", "商標審査", "機械翻訳", "審査品質", "早期審査", "国際出願"],
        "verbs": ["公表しました", "開始しました", "改訂しました", "延長しました", "拡充しました", "実施しました",
                  "更新しました", "締結しました"],
        "objects": ["試行プログラム", "料金体系", "審査基準", "統計資料", "協力計画", "研修コース", "電子出願システム",
                    "年次報告書", "利用者調査", "運用指針"],
        "people": ["出願人", "代理人", "審査官", "発明者", "大学", "研究機関", "スタートアップ", "特許事務所",
                   "中小企業"],
        "fields": ["半導体", "蓄電池", "バイオ技術", "医療機器", "通信", "ロボット", "量子計算", "水素", "電子決済",
                   "自動運転", "ワクチン", "農業技術"],
        "cities": ["東京", "大阪", "名古屋", "福岡", "札幌", "仙台", "広島", "京都", "神戸", "横浜"],
        "adjectives": ["より迅速", "より明確", "より透明", "より効率的", "より予見可能"],
        "clauses": [
            "{office}は{year}年{month}月{day}日、{city}で{topic}の{object}を{verb}",
            "{people}は{object}を通じて{count}件以上の手続を行うことができます",
            "{year}年{month}月末までに{field}分野で{count}件の{topic}関連出願を受け付け、前年比{pct}%増となりました",
            "{quote}は、新しい{object}により審査が{adj}になると述べました",
            "今回の{object}には{field}と{field2}の分野から{count}名の{people}が参加しました",
            "平均審査期間は{small}か月に短縮され、{people}の満足度は{pct}%に達しました",
            "{city}の窓口では{count}件の相談に対応し、そのうち{field}分野が{pct}%を占めました",
            "今後、{city}と{city2}で{small}回の説明会を開催し、{people}に{topic}を紹介する予定です",
        ],
        "quote": ["長官", "審査第一部長", "国際政策課長", "担当室長", "総務部長"],
        "sep": "、", "end": "。", "space": "",
    },
    "ko": {
        "offices": {"CNIPA": "중국 국가지식산권국", "EPO": "유럽특허청", "JPO": "일본 특허청", "KIPO": "특허청",
                    "USPTO": "미국 특허상표청", "WIPO": "세계지식재산기구"},
        "topics": ["특허심사하이웨이", "인공지능", "중소기업 지원", "특허협력조약", "표준필수특허", "녹색기술",
                   "디자인 제도", "상표 심사", "기계 번역", "심사 품질", "우선심사", "국제출원"],
        "verbs": ["발표했다", "시작했다", "개정했다", "연장했다", "확대했다", "시행했다", "갱신했다", "체결했다"],
        "objects": ["시범사업", "수수료 체계", "심사기준", "통계자료", "협력계획", "교육과정", "전자출원 시스템",
                    "연차보고서", "이용자 조사", "운영지침"],
        "people": ["출원인", "대리인", "심사관", "발명자", "대학", "연구기관", "스타트업", "특허사무소", "중소기업"],
        "fields": ["반도체", "이차전지", "바이오", "의료기기", "통신", "로봇", "양자컴퓨팅", "수소", "전자결제",
                   "자율주행", "백신", "농업기술"],
        "cities": ["서울", "대전", "부산", "대구", "광주", "인천", "울산", "수원", "창원", "세종"],
        "adjectives": ["더 신속해", "더 명확해", "더 투명해", "더 효율적이", "더 예측 가능해"],
        "clauses": [
            "{office}은 {year}년 {month}월 {day}일 {city}에서 {topic} {object}을 {verb}",
            "{people}은 {object}을 통해 {count}건 이상의 절차를 밟을 수 있다",
            "{year}년 {month}월 말까지 {field} 분야에서 {count}건의 {topic} 관련 출원을 접수해 전년 대비 {pct}% 늘었다",
            "{quote}은 새 {object}으로 심사가 {adj}질 것이라고 말했다",
            "이번 {object}에는 {field}와 {field2} 분야에서 {count}명의 {people}이 참가했다",
            "평균 심사기간은 {small}개월로 줄었고 {people} 만족도는 {pct}%에 이르렀다",
            "{city} 상담창구는 {count}건의 상담을 처리했으며 그중 {field} 분야가 {pct}%를 차지했다",
            "앞으로 {city}와 {city2}에서 {small}차례 설명회를 열어 {people}에게 {topic}을 소개할 예정이다",
        ],
        "quote": ["청장", "심사국장", "국제협력과장", "사업 담당관", "기획조정관"],
        "sep": ", ", "end": ". ", "space": " ",
    },
}
