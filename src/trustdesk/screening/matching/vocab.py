"""The matcher's word knowledge, as data: legal forms, abbreviations, generic words, name variants.

Everything here is lower-case, ASCII and already transliterated, because it is applied to tokens
after `normalize` has folded them. Tables are plain dicts and frozensets so that a reviewer can
read (and a policy owner can extend) them without reading any matching code. Keep each table
about a *kind* of variation, never about one listed entity.
"""

from __future__ import annotations

import re

import pycountry
from anyascii import anyascii


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a table written as running text."""
    return frozenset(text.split())


# Words that carry no identity in any name: dropped before comparison.
STOPWORDS: frozenset[str] = words(
    """
    of the and for at in on to by with a an und der die das des du la le les de del della di
    da do dos das y e et ve van von zu named after imeni
    """
)

# Arabic articles and name particles: dropped from personal and organisation names alike,
# because lists write "AL-AYARI", "AYARI" and "El Ayari" for the same family name.
PARTICLES: frozenset[str] = words("al el ul ad ar as ash at az")

# Legal forms and their canonical key. Multi-word phrases are matched longest first. A legal form
# says little about identity (thousands of entities are an "OOO"), so it is taken out of the
# name and only compared as a minor qualifier.
LEGAL_FORMS: dict[str, str] = {
    "limited liability company": "llc",
    "limited liability partnership": "llp",
    "limited liability co": "llc",
    "obshchestvo s ogranichennoi otvetstvennostiu": "llc",
    "obshchestvo s ogranichennoy otvetstvennostyu": "llc",
    "obshchestvo s ogranichennoi otvetstvennostyu": "llc",
    "tovarystvo z obmezhenoiu vidpovidalnistiu": "llc",
    "llc": "llc",
    "ooo": "llc",
    "too": "llc",
    "tov": "llc",
    "l l c": "llc",
    "open joint stock company": "ojsc",
    "otkrytoe aktsionernoe obshchestvo": "ojsc",
    "otkrytoye aktsionernoye obshchestvo": "ojsc",
    "ojsc": "ojsc",
    "oao": "ojsc",
    "closed joint stock company": "cjsc",
    "zakrytoe aktsionernoe obshchestvo": "cjsc",
    "zakrytoye aktsionernoye obshchestvo": "cjsc",
    "cjsc": "cjsc",
    "zao": "cjsc",
    "public joint stock company": "pjsc",
    "private joint stock company": "pjs",
    "national joint stock company": "njsc",
    "njsc": "njsc",
    "pjs": "pjs",
    "publichnoe aktsionernoe obshchestvo": "pjsc",
    "pjsc": "pjsc",
    "pao": "pjsc",
    "joint stock company": "jsc",
    # The phrase without its last word, as lists and registers cut it: "… PUBLIC JOINT STOCK".
    "public joint stock": "pjsc",
    "open joint stock": "ojsc",
    "closed joint stock": "cjsc",
    "aktsionernoe obshchestvo": "jsc",
    "aktsionernoye obshchestvo": "jsc",
    "jsc": "jsc",
    "jsb": "jsc",  # joint-stock bank
    "jscb": "jsc",  # joint-stock commercial bank
    "ao": "jsc",
    "jt stock co": "jsc",
    "federal state unitary enterprise": "fsue",
    "fsue": "fsue",
    "fgup": "fsue",
    "federalnoe gosudarstvennoe unitarnoe predpriyatie": "fsue",
    "company limited": "ltd",
    "co limited": "ltd",
    "co ltd": "ltd",
    "limited": "ltd",
    "ltd": "ltd",
    "private limited": "ltd",
    "pvt ltd": "ltd",
    "pvt": "ltd",
    "public limited company": "plc",
    "plc": "plc",
    "incorporated": "inc",
    "inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    "gmbh": "gmbh",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "ag": "ag",
    "aktiengesellschaft": "ag",
    "kg": "kg",
    "sa": "sa",
    "s a": "sa",
    "sociedad anonima": "sa",
    "societe anonyme": "sa",
    "sa de cv": "sa",
    "s a de c v": "sa",
    "de cv": "sa",
    "c v": "sa",
    "cv": "sa",  # "C.V." read as one initialism: the Mexican "capital variable"
    "sarl": "sarl",
    "srl": "srl",
    "sociedad de responsabilidad limitada": "srl",
    "societa a responsabilita limitata": "srl",
    "s de rl": "srl",
    "s de r l": "srl",
    "spa": "spa",
    "bv": "bv",
    "nv": "nv",
    "ab": "ab",
    "as": "as",
    "oy": "oy",
    "pte ltd": "ltd",
    "pte": "ltd",
    "sdn bhd": "ltd",
    "bhd": "ltd",
    "fze": "fze",
    "free zone establishment": "fze",
    "free zone company": "fze",
    "free zone enterprise": "fze",
    "cia ltda": "ltd",
    "y cia ltda": "ltd",
    "y cia": "co",
    "fzco": "fze",
    "fzc": "fze",
    "fz llc": "llc",
    "lle": "lle",
    "pty ltd": "ltd",
    "pty": "ltd",
    "llp": "llp",
    "lp": "lp",
    "kft": "kft",
    # Central and south-east Europe: Czech and Slovak s.r.o., Hungarian Zrt. and Nyrt.,
    # Bulgarian (E)OOD and EAD, North Macedonian DOOEL. (Bulgarian "AD" is left out: it is
    # also the Arabic article, "Ad-Dawa".)
    "sro": "llc",
    "s r o": "llc",
    "zrt": "jsc",
    "nyrt": "pjsc",
    "ood": "llc",
    "eood": "llc",
    "ead": "jsc",
    "dooel": "llc",
    # The Gulf and the Levant: a Lebanese S.A.L., a W.L.L. (with limited liability), public
    # shareholding companies of Jordan, Oman, Kuwait and Qatar.
    "sal": "sa",
    "s a l": "sa",
    # Lebanon's offshore and holding companies: "S.A.L. (Offshore)", "SAL Holding".
    "sal offshore": "sa",
    "s a l offshore": "sa",
    "sal holding": "sa",
    "s a l holding": "sa",
    "wll": "llc",
    "w l l": "llc",
    "public shareholding company": "pjsc",
    "private shareholding company": "pjs",
    "psc": "pjsc",
    "saog": "pjsc",
    "saoc": "jsc",
    "kscp": "pjsc",
    "kscc": "cjsc",
    "ksc": "jsc",
    "qpsc": "pjsc",
    "qsc": "jsc",
    # Denmark's ApS and France's SAS and SASU.
    "aps": "aps",
    "sas": "sas",
    "sasu": "sas",
    "sp z o o": "llc",
    "doo": "llc",
    "d o o": "llc",
    "ltda": "ltd",
    "lda": "ltd",  # Portuguese
    "limitada": "ltd",
    "cia": "co",
    "sirketi": "co",
    # Turkish: A.S. (joint stock) and Ltd. Sti. (limited), spelled out or cut short.
    "anonim sirketi": "jsc",
    "limited sirketi": "ltd",
    "ltd sti": "ltd",
    "sti": "ltd",
    # The unitary enterprises of Russia, Belarus and Ukraine, and state enterprises generally:
    # what legal kind of state body it is, not which one.
    "state unitary enterprise": "sue",
    "republican unitary enterprise": "sue",
    "municipal unitary enterprise": "sue",
    "gosudarstvennoe unitarnoe predpriyatie": "sue",
    "state owned enterprise": "soe",
    "state enterprise": "soe",
    "joint venture company": "jv",
    "jvc": "jv",
    "youxian gongsi": "ltd",
    "gufen youxian gongsi": "ltd",
    # 有限公司 and 股份有限公司 in Han, read as one pinyin word (`normalize._pinyin_words`).
    "youxiangongsi": "ltd",
    "gufen youxiangongsi": "ltd",
    "gongsi": "co",
    "sherkat": "co",
    "sherkate": "co",
    # Persian: a joint-stock company, private (khass) or public (aam), with or without the
    # ezafe ("Sahami-ye Khass").
    "sahami khass": "pjs",
    "sahami khas": "pjs",
    "sahami ye khass": "pjs",
    "sahami ye khas": "pjs",
    "sahamie khass": "pjs",
    "sahamie khas": "pjs",
    "sahami aam": "pjsc",
    "sahami am": "pjsc",
    "sahami ye aam": "pjsc",
    "sahamie aam": "pjsc",
    "sherkat sahami": "jsc",
    "sherkate sahami": "jsc",
    "sherkat sahami khass": "pjs",
    "sherkat sahami khas": "pjs",
    "sherkat sahami aam": "pjsc",
    # The status prefixes Russian state bodies carry in OFAC's and OFSI's English ("FEDERAL
    # STATE BUDGETARY EDUCATIONAL INSTITUTION OF HIGHER EDUCATION ..."): what legal kind of
    # state body it is, not which one; people write the name without them.
    "federal state budgetary educational institution of higher education": "fsbi",
    "federal state budgetary educational institution of higher professional education": "fsbi",
    "federal state autonomous educational institution of higher education": "fsai",
    "federal state budgetary educational institution": "fsbi",
    "federal state autonomous educational institution": "fsai",
    "federal state budgetary institution of science": "fsbi",
    "federal state budgetary scientific institution": "fsbi",
    "federal state budgetary institution": "fsbi",
    "federal state autonomous institution": "fsai",
    "federal state institution": "fsi",
    "federal state budget educational institution of higher education": "fsbi",
    "fgbou vo": "fsbi",
    "fgbou": "fsbi",
    "fgaou vo": "fsai",
    "fgaou": "fsai",
    "fgbun": "fsbi",
    "fgbu": "fsbi",
}
# Short legal forms written only after the name: at its start they are a word of the name ("SAL
# Oil", "APS Group"), where "OOO" or "AO" before a name is the form.
TRAILING_LEGAL_FORMS: frozenset[str] = words("sal aps sas ead ood psc wll qsc ksc zrt sro")

# Word abbreviations read as the full word. The value may be several words ("s&t" is science
# and technology); plural and singular are folded to one form here as well.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "univ": ("university",),
    # Russian institutes by kind: TsNII is a central scientific research institute, VNII an
    # all-Russian one; the English names spell out what the Russian initials say.
    "nii": ("research", "institute"),
    "tsnii": ("central", "research", "institute"),
    "vnii": ("research", "institute"),
    # In English names of Chinese trading companies: "Imp. & Exp. Co., Ltd."
    "imp": ("import",),
    "exp": ("export",),
    "ministerio": ("ministry",),
    "ministere": ("ministry",),
    "ministerium": ("ministry",),
    "airways": ("airline",),
    "airlines": ("airline",),
    "uni": ("university",),
    "universities": ("university",),
    "inst": ("institute",),
    "instit": ("institute",),
    "institutes": ("institute",),
    "tech": ("technology",),
    "technol": ("technology",),
    "techn": ("technology",),
    "technologies": ("technology",),
    "technological": ("technology",),
    "natl": ("national",),
    "nat": ("national",),
    "nat'l": ("national",),
    "intl": ("international",),
    "int'l": ("international",),
    "internat": ("international",),
    "acad": ("academy",),
    "academia": ("academy",),
    "sci": ("science",),
    "sciences": ("science",),
    "scientific": ("science",),
    "s&t": ("science", "technology"),
    "aero": ("aeronautics",),
    # 航空 is written both ways: "Nanchang Hangkong University" calls itself an aviation one.
    "aviation": ("aeronautics",),
    "aeronautical": ("aeronautics",),
    "astro": ("astronautics",),
    "astronautical": ("astronautics",),
    "eng": ("engineering",),
    "engg": ("engineering",),
    "engr": ("engineering",),
    "mech": ("mechanical",),
    "elec": ("electronic",),
    "electr": ("electronic",),
    "electronics": ("electronic",),
    "comm": ("communication",),
    "communications": ("communication",),
    "telecom": ("telecommunications",),
    "telecoms": ("telecommunications",),
    "telecommunication": ("telecommunications",),
    "res": ("research",),
    "lab": ("laboratory",),
    "labs": ("laboratory",),
    "laboratories": ("laboratory",),
    "ctr": ("center",),
    "cntr": ("center",),
    "centre": ("center",),
    "centres": ("center",),
    "centers": ("center",),
    "dept": ("department",),
    "dep": ("department",),
    "min": ("ministry",),
    "gov": ("government",),
    "govt": ("government",),
    "med": ("medical",),
    "medicine": ("medical",),
    "polytech": ("polytechnic",),
    "poly": ("polytechnic",),
    "polytechnical": ("polytechnic",),
    "assoc": ("association",),
    "assn": ("association",),
    "soc": ("society",),
    "coll": ("college",),
    "sch": ("school",),
    "mil": ("military",),
    "def": ("defense",),
    "defence": ("defense",),
    "org": ("organization",),
    "organisation": ("organization",),
    "organizations": ("organization",),
    "indus": ("industry",),
    "ind": ("industry",),
    "industries": ("industry",),
    "industrial": ("industry",),
    "mfg": ("manufacturing",),
    "grp": ("group",),
    "hldgs": ("holding",),
    "holdings": ("holding",),
    "bros": ("brothers",),
    "st": ("saint",),
    "mt": ("mount",),
    "phys": ("physics",),
    "chem": ("chemistry",),
    "chemical": ("chemistry",),
    "math": ("mathematics",),
    "maths": ("mathematics",),
    "geosci": ("geoscience",),
    "geosciences": ("geoscience",),
    "nucl": ("nuclear",),
    "info": ("information",),
    "infor": ("information",),
    "sys": ("systems",),
    "system": ("systems",),
    "svc": ("services",),
    "svcs": ("services",),
    "service": ("services",),
    "mgmt": ("management",),
    "dev": ("development",),
    "trdg": ("trading",),
    "intel": ("intelligence",),
    "sec": ("security",),
    "prc": ("china",),
    "peoples": ("peoples",),
    "people": ("peoples",),
    "chinese": ("china",),
    "russian": ("russia",),
    "iranian": ("iran",),
    "korean": ("korea",),
    # Turkish company words, as Turkish registers and lists write them without diacritics
    # ("… DIS TICARET VE INSAAT YATIRIM ANONIM SIRKETI"): their English is what other lists give.
    "ticaret": ("trade",),
    "sanayi": ("industry",),
    "sanayii": ("industry",),
    "insaat": ("construction",),
    "yatirim": ("investment",),
    "yatirimlari": ("investment",),
    "ithalat": ("import",),
    "ihracat": ("export",),
    "enerji": ("energy",),
    "elektronik": ("electronic",),
    "teknoloji": ("technology",),
    "teknolojileri": ("technology",),
    "muhendislik": ("engineering",),
    "havacilik": ("aeronautics",),
    "savunma": ("defense",),
    "lojistik": ("logistics",),
    "tasimacilik": ("transport",),
    "nakliyat": ("transport",),
    "hizmetleri": ("services",),
    "danismanlik": ("consulting",),
    "pazarlama": ("marketing",),
}

# Persian words of organisation names as lists and people write them in Latin letters
# ("Sazman-e Sanaye-ye Defa", "Daneshgah-e Sanati-ye Sharif"), each in its usual spellings, read
# in English as `ABJAD_GLOSSARY` reads them in Persian script. With the ezafe joined ("Sazmane")
# or after a hyphen ("Sanaye-ye", whose "ye" `normalize` then sets aside); the forms with the
# ezafe are made below.
PERSIAN_GLOSSARY_STEMS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("daneshgah",): ("university",),
    ("daneshkadeh", "daneshkade"): ("faculty",),
    ("pajouheshgah", "pazhuheshgah", "pajuheshgah", "pazhoheshgah"): ("research", "institute"),
    ("pajouheshkadeh", "pazhuheshkadeh", "pajuheshkadeh"): ("research", "institute"),
    ("pajouhesh", "pazhuhesh", "pajuhesh", "pazhohesh"): ("research",),
    ("tahghighat", "tahqiqat", "tahghighati", "tahqiqati"): ("research",),
    ("sanati", "sanaati"): ("technology",),
    ("sanaye", "sanaie", "sanayeh", "sanaaye"): ("industry",),
    ("sanat", "sanaat"): ("industry",),
    ("sazman", "sazeman"): ("organization",),
    ("vezarat", "vezarate"): ("ministry",),
    ("defa", "defaa"): ("defense",),
    ("ettelaat", "etelaat"): ("intelligence",),
    ("bonyad",): ("foundation",),
    ("markaz",): ("center",),
    ("markazi",): ("central",),
    ("moasseseh", "moassesseh", "moaseseh", "moassese", "moasese"): ("institute",),
    ("gorooh", "goruh", "gorouh"): ("group",),
    ("melli",): ("national",),
    ("jomhuri", "jomhouri"): ("republic",),
    ("eslami",): ("islamic",),
    ("enghelab", "enqelab"): ("revolutionary",),
    ("sepah",): ("corps",),
    ("pasdaran",): ("guard",),
    ("artesh",): ("army",),
    ("entezami",): ("police",),
    ("niru", "niroo", "nirou", "niruyeh"): ("force",),
    ("moghavemat", "moqavemat"): ("resistance",),
    ("havaei", "havaee", "havayi", "havaie", "havai"): ("air",),
    ("havafaza",): ("aerospace",),
    ("daryaei", "daryaee", "daryayi", "daryaie"): ("naval",),
    ("darya",): ("sea",),
    ("jonub", "jonoob", "jonoub"): ("south",),
    ("shomal",): ("north",),
    ("shargh", "sharq"): ("east",),
    ("gharb",): ("west",),
    ("naft",): ("oil",),
    ("petroshimi",): ("petrochemical",),
    ("foulad", "fulad", "folad"): ("steel",),
    ("kashtirani",): ("shipping",),
    ("tejarat",): ("trade",),
    ("tejari",): ("commercial",),
    ("bazargani",): ("trading",),
    ("sakhteman", "sakhtemani"): ("construction",),
    ("gostaresh",): ("development",),
    ("tosee", "toseeh", "toseye"): ("development",),
    ("mohandesi",): ("engineering",),
    ("khadamat",): ("services",),
    ("tolid", "tolidi"): ("production",),
    ("sarmayegozari",): ("investment",),
    ("amoozesh", "amuzesh", "amouzesh"): ("education",),
    ("pezeshki",): ("medical",),
    ("oloom", "olum", "oloum"): ("science",),
    ("behdasht",): ("health",),
    ("daftar",): ("office",),
    ("setad",): ("headquarters",),
    ("bimeh",): ("insurance",),
    ("sandogh", "sandoogh", "sandough"): ("fund",),
    ("ertebatat",): ("communication",),
    ("mokhaberat", "mokhabarat"): ("communication",),
    ("saderat",): ("export",),
    ("emam",): ("imam",),
}


def _with_ezafe(word: str) -> tuple[str, ...]:
    """A Persian word and its forms with the ezafe joined: "sazman", "sazmane"; "niru", "niruye"."""
    if word.endswith(("e", "h")):
        return (word,)
    return (word, word + ("ye" if word[-1] in "aiou" else "e"))


PERSIAN_GLOSSARY: dict[str, tuple[str, ...]] = {
    form: english
    for spellings, english in PERSIAN_GLOSSARY_STEMS.items()
    for word in spellings
    for form in _with_ezafe(word)
}

# Ordinals written with digits, read as the word ("2nd Military Medical University").
ORDINALS: dict[str, tuple[str, ...]] = {
    f"{n}{suffix}": (word,)
    for n, suffix, word in (
        (1, "st", "first"),
        (2, "nd", "second"),
        (3, "rd", "third"),
        (4, "th", "fourth"),
        (5, "th", "fifth"),
        (6, "th", "sixth"),
        (7, "th", "seventh"),
        (8, "th", "eighth"),
        (9, "th", "ninth"),
        (10, "th", "tenth"),
        (11, "th", "eleventh"),
        (12, "th", "twelfth"),
    )
}

# Words that name what kind of organisation something is, not which one. They count little,
# and matching only on them never makes a hit ("University of …", "Trading Company").
GENERIC_WORDS: frozenset[str] = words(
    """
    university college institute academy school faculty polytechnic normal
    research science technology engineering laboratory center department ministry bureau office
    national state federal central general international global united joint key
    company group holding enterprise trading trade industry manufacturing factory plant works
    services systems solutions development management investment capital finance financial
    bank commercial import export logistics shipping transport transportation
    organization association society foundation council committee agency authority
    corporation partners partnership establishment unit division branch administration
    military army navy air force defense security peoples liberation pla
    new first main higher advanced applied
    business economics economic commerce construction energy power electric electrical oil gas
    petroleum petrochemical chemistry pharmaceutical mining metals steel shipbuilding aviation
    aerospace electronic telecommunications communication information software computing
    medical health insurance agricultural agriculture marine maritime petrol supply equipment
    universidad universite universitat instituto institut centro centre nacional internacional
    servicios comercial industrias empresa compania sociedad grupo tecnologia ingenieria
    zavod kombinat obyedineniye obedinenie gosudarstvennyi nauchno issledovatelskii tsentr
    kompaniya obshchestvo upravlenie ministerstvo bank banka
    """
)

# Places used as qualifiers after a name ("…, Beijing", "(Wuhan)") or inside it. A place on one
# side only counts little; two different places on the two sides are a conflict.
# Every country whose English name is one word ("Singapore", "Malaysia"), from ISO 3166.
COUNTRY_WORDS: frozenset[str] = frozenset(
    country.name.casefold() for country in pycountry.countries if country.name.isalpha()
)

# Chinese cities and provinces: their universities' acronyms give each syllable a letter
# ("Hefei" is HF in HFUT).
CHINESE_PLACES: frozenset[str] = words(
    """
    beijing shanghai tianjin chongqing guangzhou shenzhen wuhan nanjing hangzhou chengdu
    xian harbin changsha hefei jinan qingdao dalian shenyang changchun taiyuan zhengzhou lanzhou
    kunming guiyang nanning fuzhou xiamen nanchang shijiazhuang hohhot urumqi lhasa xining
    yinchuan haikou mianyang suzhou wuxi ningbo tangshan baotou luoyang xiangtan zhuzhou
    hebei shanxi shaanxi liaoning jilin heilongjiang jiangsu zhejiang anhui fujian jiangxi
    shandong henan hubei hunan guangdong hainan sichuan guizhou yunnan gansu qinghai guangxi
    xinjiang tibet ningxia hongkong macau macao taiwan
    """
)
# The other prefecture-level cities (and Kunshan, Yanji), whose names a branch campus adds with no
# comma ("Harbin Institute of Technology Weihai"). Left out: those that also name something
# else in organisation names (Zhongshan, Sun Yat-sen's; Nanyang, Singapore's university;
# Baoshan, a steelworks; Tongren, Ankang, Zhongwei, Wuzhong) or are a common syllable (Ji'an,
# Lu'an, Kashi, Dali).
CHINESE_CITIES: frozenset[str] = words(
    """
    qinhuangdao handan xingtai baoding zhangjiakou chengde cangzhou langfang hengshui
    datong yangquan changzhi jincheng shuozhou jinzhong yuncheng xinzhou linfen lvliang
    wuhai chifeng tongliao ordos hulunbuir bayannur ulanqab
    anshan fushun benxi dandong jinzhou yingkou fuxin liaoyang panjin tieling chaoyang huludao
    siping liaoyuan tonghua baishan songyuan baicheng yanbian yanji
    qiqihar jixi hegang shuangyashan daqing yichun jiamusi qitaihe mudanjiang heihe suihua
    xuzhou changzhou nantong lianyungang huaian yancheng yangzhou zhenjiang taizhou suqian kunshan
    wenzhou jiaxing huzhou shaoxing jinhua quzhou zhoushan lishui
    wuhu bengbu huainan maanshan huaibei tongling anqing huangshan chuzhou fuyang bozhou chizhou
    xuancheng putian sanming quanzhou zhangzhou nanping longyan ningde
    jingdezhen pingxiang jiujiang xinyu yingtan ganzhou shangrao
    zibo zaozhuang dongying yantai weifang jining taian weihai rizhao linyi dezhou liaocheng
    binzhou heze kaifeng pingdingshan anyang hebi xinxiang jiaozuo puyang xuchang luohe
    sanmenxia shangqiu xinyang zhoukou zhumadian
    huangshi shiyan yichang xiangyang ezhou jingmen xiaogan jingzhou huanggang xianning suizhou
    enshi hengyang shaoyang yueyang changde zhangjiajie yiyang chenzhou yongzhou huaihua loudi
    xiangxi shaoguan zhuhai shantou foshan jiangmen zhanjiang maoming zhaoqing huizhou meizhou
    shanwei heyuan yangjiang qingyuan dongguan chaozhou jieyang yunfu
    liuzhou guilin wuzhou beihai fangchenggang qinzhou guigang yulin baise hezhou hechi laibin
    chongzuo sanya danzhou sansha
    zigong panzhihua luzhou deyang guangyuan suining neijiang leshan nanchong meishan yibin
    guangan dazhou yaan bazhong ziyang liupanshui zunyi anshun bijie
    qujing yuxi zhaotong lijiang puer lincang shigatse xigaze chamdo nyingchi
    tongchuan baoji xianyang weinan yanan hanzhong shangluo
    jiayuguan jinchang baiyin tianshui wuwei zhangye pingliang jiuquan qingyang dingxi longnan
    haidong golmud shizuishan guyuan karamay turpan kashgar hotan aksu korla shihezi yining
    changji hami
    """
)

# Places that are no city a part of an institution would be in: countries, their adjectives and
# the compass ("… Institute Russian Academy of Sciences" names an owner, not a branch).
NOT_CITIES: frozenset[str] = (
    words(
        """
    china mongolia russia iran korea syria iraq lebanon belarus ukraine pakistan india turkey
    uae emirates afghanistan yemen venezuela cuba myanmar burma america usa us uk britain
    england europe european asia crimea
    northern southern eastern western north south east west northwest northeast southwest
    southeast central chinese russian iranian korean syrian iraqi indian british american
    asian belarusian ukrainian pakistani afghan yemeni venezuelan cuban lebanese turkish emirati
    """
    )
    | COUNTRY_WORDS
)

# The cities and regions of the countries most listed bodies are in, and the old English
# spellings of Chinese cities; with the countries, their adjectives and the compass above.
LOCATIONS: frozenset[str] = (
    CHINESE_PLACES
    | CHINESE_CITIES
    | NOT_CITIES
    | words(
        """
    moscow petersburg novosibirsk yekaterinburg kazan samara omsk tomsk sarov snezhinsk
    tula perm ufa rostov volgograd krasnoyarsk voronezh nizhny izhevsk sevastopol
    tehran isfahan esfahan shiraz tabriz mashhad qom karaj ahvaz kerman yazd
    pyongyang seoul damascus aleppo baghdad beirut minsk kyiv kiev donetsk luhansk
    islamabad karachi lahore delhi mumbai bangalore ankara istanbul dubai kabul sanaa caracas
    havana london peking canton nanking amoy tientsin
    """
    )
)

# Given-name spellings that lists and people use interchangeably: every variant maps to one key.
NAME_VARIANTS: dict[str, str] = {
    variant: group[0]
    for group in (
        (
            "muhammad",
            "mohammed",
            "mohammad",
            "mohamed",
            "muhammed",
            "mohamad",
            "muhamad",
            "mohamud",
            "mohammod",
            "muhamed",
            "mohd",
            "md",
            "mehmet",
            "mehmed",
            "mukhammad",
            "magomed",
            "mahomed",
        ),
        ("ahmad", "ahmed", "akhmad", "akhmed", "ahmet"),
        (
            "hussein",
            "husein",
            "hussain",
            "husain",
            "husayn",
            "hossein",
            "hosein",
            "huseyn",
            "hüseyin",
            "huseyin",
            "gusein",
        ),
        ("hassan", "hasan", "hasen", "khasan"),
        ("abdullah", "abdallah", "abdulla", "abdalla", "abdellah", "abdolah", "abdollah"),
        ("abdul", "abdel", "abdal", "abdol", "abdelal", "abdulal"),
        ("yusuf", "yousef", "youssef", "yousuf", "yousif", "yusef", "yussef", "jusuf", "yosef"),
        ("ibrahim", "ebrahim", "ibraheem", "ibragim"),
        ("mustafa", "mostafa", "moustafa", "mustapha"),
        ("mahmoud", "mahmud", "mahmood", "makhmud"),
        ("osama", "usama", "usamah", "osamah"),
        ("omar", "umar", "omer"),
        ("othman", "uthman", "osman", "usman", "othmane"),
        ("abu", "abou", "abo", "abi"),
        ("umm", "um", "oum", "ummu"),
        ("bin", "ben", "ibn", "bint"),
        ("ali", "aly"),
        ("khalid", "khaled", "khalied"),
        ("said", "saeed", "sayed", "sayyid", "saied", "saeid", "seyed", "seyyed", "sayid"),
        ("jamal", "gamal", "djamal"),
        ("abdulrahman", "abdurrahman", "abdelrahman", "abderrahmane", "abdurakhman"),
        ("reza", "riza", "rida", "ridha"),
        ("qasim", "qassim", "kasim", "kassem", "qassem", "ghasem", "gasem"),
        ("yevgeniy", "evgeny", "evgeniy", "yevgeny", "evgenii", "yevgenii", "eugene"),
        ("aleksandr", "alexander", "aleksander", "alexandr", "oleksandr"),
        ("aleksey", "alexei", "alexey", "aleksei", "oleksiy", "oleksii"),
        ("dmitriy", "dmitry", "dmitri", "dmitrii", "dmytro"),
        ("sergey", "sergei", "serhiy", "serhii", "sergiy"),
        ("yuriy", "yury", "yuri", "yurii", "iurii", "jurij"),
        ("andrey", "andrei", "andriy", "andrii"),
        ("nikolay", "nikolai", "mykola"),
        ("vladimir", "volodymyr", "wladimir"),
        ("mikhail", "mikhael", "mykhailo", "michail"),
        ("grigoriy", "grigory", "grigori", "hryhoriy"),
        ("anatoliy", "anatoly", "anatolii"),
        ("vitaliy", "vitaly", "vitalii"),
        ("valeriy", "valery", "valeri", "valerii"),
        ("yelena", "elena", "olena", "jelena"),
        ("tatyana", "tatiana", "tetiana", "tatjana"),
        ("natalya", "natalia", "nataliya", "natalja"),
        ("iosif", "joseph", "josef", "yosif"),
        ("pyotr", "petr", "peter", "petro"),
        ("fyodor", "fedor", "fiodor"),
    )
    for variant in group
}

# Russian and Ukrainian patronymic endings: a patronymic is a middle name that lists often omit.
PATRONYMIC_SUFFIXES: tuple[str, ...] = (
    "ovich",
    "evich",
    "ovych",  # Ukrainian: Volodymyrovych
    "evych",
    "ovna",
    "evna",
    "ichna",
    "ivna",
    "ich",
)

# Chinese words of organisation names, as pinyin syllable runs, read in English, so that a name
# written in Han characters or pinyin can meet its English listing.
PINYIN_GLOSSARY: dict[str, tuple[str, ...]] = {
    "daxue": ("university",),
    "xueyuan": ("institute",),
    "yanjiusuo": ("research", "institute"),
    "yanjiuyuan": ("research", "academy"),
    "kexueyuan": ("academy", "science"),
    "gongcheng": ("engineering",),
    "keji": ("science", "technology"),
    "kexue": ("science",),
    "jishu": ("technology",),
    "wuli": ("physics",),
    "huaxue": ("chemistry",),
    "xinxi": ("information",),
    "tongxin": ("communication",),
    "jisuanji": ("computing",),
    "gongan": ("public", "security"),
    "jingcha": ("police",),
    "wuzhuang": ("armed",),
    "budui": ("force",),
    "yiyuan": ("hospital",),
    "hangkong": ("aeronautics",),
    "hangtian": ("astronautics",),
    "guofang": ("national", "defense"),
    "zhongguo": ("china",),
    "jituan": ("group",),
    "youxiangongsi": ("ltd",),
    "gongsi": ("company",),
    "dianzi": ("electronic",),
    # 理工: most such universities call themselves "… University of Technology" in English.
    "ligong": ("technology",),
    "gongye": ("industry",),
    "shifan": ("normal",),
    "junshi": ("military",),
    "jiefangjun": ("liberation", "army"),
    "renmin": ("peoples",),
    "zhongxin": ("center",),
    "shiyanshi": ("laboratory",),
    "youdian": ("posts", "telecommunications"),
    "yixue": ("medical",),
    "haijun": ("navy",),
    "kongjun": ("air", "force"),
    "lujun": ("army",),
    "gong": ("industry",),
    "hegongye": ("nuclear", "industry"),
    "chuanbo": ("shipbuilding",),
    "jiaotong": ("jiaotong",),
    "tiedao": ("railway",),
    "shiyou": ("petroleum",),
    "nongye": ("agricultural",),
    "linye": ("forestry",),
    "weixing": ("satellite",),
    "shuzi": ("digital",),
}

# Russian words of organisation names, as transliterated, read in English: lists give Russian
# bodies in both (the FSB as "Federalnaya Sluzhba Bezopasnosti" and "Federal Security Service")
# and people paste either. Keyed by stem: Russian declines its adjectives and nouns
# ("gosudarstvennyy", "-naya", "-nogo"), so a word is its stem and one of `RUSSIAN_ENDINGS`
# (`normalize.russian_gloss`). A stem is given in each usual spelling of its sounds ("kh"/"h").
RUSSIAN_GLOSSARY: dict[str, tuple[str, ...]] = {
    "gosudarstvenn": ("state",),
    "federaln": ("federal",),
    "natsionaln": ("national",),
    "tsentraln": ("central",),
    "centraln": ("central",),
    "nauchn": ("scientific",),
    "issledovatelsk": ("research",),
    "tekhnichesk": ("technical",),
    "tehnichesk": ("technical",),
    "tekhnologichesk": ("technological",),
    "politekhnichesk": ("polytechnic",),
    "radiotekhnichesk": ("radio", "engineering"),
    "aviatsionn": ("aviation",),
    "kosmichesk": ("space",),
    "meditsinsk": ("medical",),
    "pedagogichesk": ("pedagogical",),
    "ekonomichesk": ("economic",),
    "khimichesk": ("chemical",),
    "himichesk": ("chemical",),
    "metallurgichesk": ("metallurgical",),
    "mekhanichesk": ("mechanical",),
    "optichesk": ("optical",),
    "inzhenern": ("engineering",),
    "voenn": ("military",),
    "yadern": ("nuclear",),
    "elektronn": ("electronic",),
    "stroiteln": ("construction",),
    "proizvodstvenn": ("production",),
    "konstruktorsk": ("design",),
    "narodn": ("peoples",),
    "glavn": ("main",),
    "rossiysk": ("russian",),
    "rossiisk": ("russian",),
    "rossisk": ("russian",),
    "rossijsk": ("russian",),
    "venchurn": ("venture",),
    "fond": ("fund",),
    "federatsi": ("federation",),
    "lizing": ("leasing",),
    "lizingov": ("leasing",),
    "moskovsk": ("moscow",),
    "peterburgsk": ("petersburg",),
    "universitet": ("university",),
    "institut": ("institute",),
    "akademi": ("academy",),
    "zavod": ("plant",),
    "kombinat": ("plant",),
    "tsentr": ("center",),
    "laboratori": ("laboratory",),
    "ministerstv": ("ministry",),
    "sluzhb": ("service",),
    "bezopasnost": ("security",),
    "oboron": ("defense",),
    "upravleni": ("directorate",),
    "byuro": ("bureau",),
    "biuro": ("bureau",),
    "obyedineni": ("association",),
    "obedineni": ("association",),
    "obieedineni": ("association",),
    "predpriyati": ("enterprise",),
    "predpriiati": ("enterprise",),
    "kompani": ("company",),
    "respublik": ("republic",),
}
# What Russian adds to a stem: adjectives in their genders and cases, then nouns'.
RUSSIAN_ENDINGS: tuple[str, ...] = tuple(
    sorted(
        words(
            """
            yy iy ii ij yi y i aya aia ya ia a oye oe oy oi o ogo ovo ego ikh ykh yye iye ye ie e
            uyu yu u ym im om oj ej iyu aja ja
            """
        ),
        key=len,
        reverse=True,
    )
)

# Words of organisation names in Arabic and Persian script, read in English: a university's own
# name ("دانشگاه صنعتی مالک اشتر") against its English listing ("Malek Ashtar University of
# Technology"). Keyed by the word with its letters folded (`translit`: Arabic and Persian kaf
# and yeh alike, teh marbuta as heh, hamza seats as their vowel) and its article set aside.
ABJAD_GLOSSARY: dict[str, tuple[str, ...]] = {
    # Persian
    "دانشگاه": ("university",),
    "دانشکده": ("faculty",),
    "پژوهشگاه": ("research", "institute"),
    "پژوهشکده": ("research", "institute"),
    "صنعتی": ("technology",),
    "فناوری": ("technology",),
    "پزشکی": ("medical",),
    "تحقیقات": ("research",),
    "شرکت": ("company",),
    "وزارت": ("ministry",),
    "سازمان": ("organization",),
    "صنایع": ("industries",),
    "بانک": ("bank",),
    "گروه": ("group",),
    "ملی": ("national",),
    "دفاع": ("defense",),
    "هوافضا": ("aerospace",),
    # Arabic
    "جامعه": ("university",),
    "معهد": ("institute",),
    "کلیه": ("college",),
    "وزاره": ("ministry",),
    "شرکه": ("company",),
    "موسسه": ("institute",),
    "هیئه": ("authority",),
    "منظمه": ("organization",),
    "جمعیه": ("society",),
    "بنک": ("bank",),
    "مصرف": ("bank",),
    "صناعات": ("industries",),
    "مختبر": ("laboratory",),
    "مخبر": ("laboratory",),
    "بحوث": ("research",),
    "وطنی": ("national",),
    "وطنیه": ("national",),
    "عالمی": ("international",),
    "عالمیه": ("international",),
    "دولی": ("international",),
    "دولیه": ("international",),
    "طبیه": ("medical",),
    "تکنولوجیا": ("technology",),
    # both
    "علوم": ("sciences",),
    "مرکز": ("center",),
}

# Places whose usual English spelling is not their pinyin: a name in Han characters reads
# "Haerbin", people write "Harbin".
PINYIN_PLACE_NAMES: dict[str, tuple[str, ...]] = {
    "haerbin": ("harbin",),
    "huhehaote": ("hohhot",),
    "wulumuqi": ("urumqi",),
    "lasa": ("lhasa",),
    "xianggang": ("hongkong",),
    "aomen": ("macau",),
    "xizang": ("tibet",),
    "neimenggu": ("inner", "mongolia"),
}

# Pinyin syllables that start with a consonant (the Mandarin syllable table, tones left out). A
# word made only of these is read as Chinese: each syllable is a character, so two such words
# that differ in a syllable ("Nanyang", "Nanhang") are different names, not one misspelt.
# Vowel-initial syllables ("a", "e", "an") are left out, so that few European words qualify.
PINYIN_SYLLABLES: frozenset[str] = words(
    """
    ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen
    ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
    chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao
    die ding diu dong dou du duan dui dun duo fa fan fang fei fen feng fo fou fu ga gai gan gang
    gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen
    heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu
    ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun
    kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan
    lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan
    nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo pa pai pan
    pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing
    qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sa sai san
    sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai
    shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti
    tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian
    xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you
    yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng
    zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
    """
)


def _phrase(name: str) -> str:
    """A place name as the words `normalize` reads: ASCII, lower case, apostrophes dropped."""
    return " ".join(re.split(r"[^a-z0-9]+", anyascii(name).casefold().replace("'", ""))).strip()


# Places named in several words: each word of the phrase is a place where the whole phrase
# stands ("University of Buenos Aires" names no organisation but a city). Capitals and large
# cities (written here with hyphens between their words), and every country whose English name
# has several words, from ISO 3166.
PLACE_PHRASES: frozenset[str] = frozenset(
    _phrase(name)
    for name in words(
        """
        buenos-aires new-york new-delhi abu-dhabi kuala-lumpur hong-kong sao-paulo rio-de-janeiro
        mexico-city tel-aviv los-angeles san-francisco st-petersburg saint-petersburg
        nizhny-novgorod ho-chi-minh phnom-penh addis-ababa dar-es-salaam cape-town santo-domingo
        san-jose san-salvador panama-city kuwait-city guatemala-city la-paz port-said
        ras-al-khaimah umm-al-quwain rostov-on-don belo-horizonte porto-alegre santa-cruz
        las-vegas san-diego kuala-terengganu johor-bahru sri-jayawardenepura-kotte
        bandar-seri-begawan port-louis port-moresby port-of-spain
        """
    )
) | frozenset(
    _phrase(country.name)
    for country in pycountry.countries
    if " " in country.name and "," not in country.name and "(" not in country.name
)


# Words that name a kind of institution that is not a company: a name with one of these and a
# name with a company's legal form ("University of Arizona" and "ARIZONA S.A.") name different
# bodies, whatever word they share.
INSTITUTION_WORDS: frozenset[str] = words(
    """
    university college institute academy school faculty polytechnic ministry hospital department
    office universidad universite universitat instituto institut ministerstvo
    """
)
# What a ministry, force or corporation has of its own that is another body: the institutions
# above but the state's own offices, and its centres and laboratories.
BODIES_INSTITUTIONS: frozenset[str] = (
    INSTITUTION_WORDS - words("ministry ministerstvo department office")
) | words("center centre laboratory")

# Trades only companies carry on: a university or a ministry is never a bank or a shipping line,
# so one of these against an institution's word is a company against an institution, as a legal
# form is.
COMMERCE_WORDS: frozenset[str] = words(
    """
    bank banks banking exchange exchanges trading shipping insurance brokerage airline airlines
    """
)

# Words naming the field an institution works in: two universities of one city that share their
# distinctive words differ by these ("University of Technology", "of Medical Sciences").
FIELD_WORDS: frozenset[str] = words(
    """
    technology science engineering medical economics business agricultural agriculture
    pharmaceutical chemistry physics mathematics petroleum mining communication
    telecommunications information electronic finance financial commerce marine maritime aviation
    aerospace aeronautics astronautics energy power health normal polytechnic law arts
    humanities education forestry architecture
    """
)

# The words that head an institution's name, and those that name a part of one: "School of
# Computer Science, Beihang University" is a part of Beihang University.
INSTITUTION_HEADS: frozenset[str] = words(
    "university universities academy institute polytechnic universidad universite universitat"
)
# Words that say a name is a body of the state or a company group, not an institution of one:
# a ministry's academy, an armed force's college, a corporation's research institute.
BODY_WORDS: frozenset[str] = words(
    """
    ministry force forces army navy police corporation group committee commission bureau
    administration agency authority council ministerstvo
    """
)
# Who an institution belongs to, which lists and people give or leave out: "Army Engineering
# University of the PLA" is the Army Engineering University.
OWNER_WORDS: frozenset[str] = words("pla")
# Russia's defence ministry owns the numbered central research institutes the lists name ("46th
# Central Research Institute of the Ministry of Defence of the Russian Federation"). Stopwords
# aside, in both spellings of "defence".
OWNER_PHRASES: tuple[tuple[str, ...], ...] = (
    ("peoples", "liberation", "army"),
    ("peoples", "armed", "police"),
    *(
        phrase
        for defence in ("defence", "defense")
        for phrase in (
            ("ministry", defence, "russian", "federation"),
            ("ministry", defence, "russia", "federation"),  # "Rossiyskoy" read as "russia"
            ("russian", "ministry", defence),
            ("ministry", defence, "russia"),
        )
    ),
)

UNIT_WORDS: frozenset[str] = words(
    """
    school faculty department dept campus branch college laboratory laboratories lab labs
    division centre center ctr
    """
)
CAMPUS_WORDS: frozenset[str] = words("campus")

# Compound words whose parts each give an acronym a letter: "Southwest University of Science and
# Technology" is SWUST, "Northwestern Polytechnical University" NWPU.
COMPOUND_INITIALS: dict[str, str] = {
    word: initials
    for initials, forms in (
        ("nw", "northwest northwestern"),
        ("ne", "northeast northeastern"),
        ("sw", "southwest southwestern"),
        ("se", "southeast southeastern"),
    )
    for word in forms.split()
}
