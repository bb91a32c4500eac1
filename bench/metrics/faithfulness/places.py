"""Country, nation and bloc names with their adjectives, demonyms and short forms.

A headline's "British" is supported by a body's "Britain" or "UK", "US" by
"United States" or "American". Each line is one group of equivalent forms
(lower case, ``|``-separated); multi-word forms are matched as phrases.
Written by hand from general knowledge; extend a group rather than add a
near-duplicate.
"""

from __future__ import annotations

_GROUPS = """
uk|u.k.|britain|british|briton|britons|united kingdom|great britain|brit|brits
england|english|englishman|englishmen
scotland|scottish|scot|scots|scotsman
wales|welsh|welshman
northern ireland|ulster|northern irish
ireland|irish|republic of ireland|eire
us|u.s.|usa|u.s.a.|united states|america|american|americans|united states of america
eu|european union|europe|european|europeans
un|u.n.|united nations
nato|north atlantic treaty organization|north atlantic treaty organisation
afghanistan|afghan|afghans
albania|albanian|albanians
algeria|algerian|algerians
argentina|argentine|argentinian|argentines|argentinians
armenia|armenian|armenians
australia|australian|australians|aussie|aussies
austria|austrian|austrians
azerbaijan|azerbaijani|azeri|azerbaijanis
bahrain|bahraini|bahrainis
bangladesh|bangladeshi|bangladeshis
belarus|belarusian|belarusians
belgium|belgian|belgians
bolivia|bolivian|bolivians
bosnia|bosnian|bosnians|bosnia-herzegovina|bosnia and herzegovina
brazil|brazilian|brazilians
bulgaria|bulgarian|bulgarians
burma|myanmar|burmese
cambodia|cambodian|cambodians
cameroon|cameroonian|cameroonians
canada|canadian|canadians
chile|chilean|chileans
china|chinese|prc|people's republic of china
colombia|colombian|colombians
congo|congolese|drc|democratic republic of congo|democratic republic of the congo
costa rica|costa rican|costa ricans
croatia|croatian|croatians|croat|croats
cuba|cuban|cubans
cyprus|cypriot|cypriots
czech republic|czechia|czech|czechs
denmark|danish|dane|danes
ecuador|ecuadorian|ecuadorians
egypt|egyptian|egyptians
estonia|estonian|estonians
ethiopia|ethiopian|ethiopians
fiji|fijian|fijians
finland|finnish|finn|finns
france|french|frenchman|frenchmen
georgia|georgian|georgians
germany|german|germans
ghana|ghanaian|ghanaians
greece|greek|greeks
guatemala|guatemalan|guatemalans
haiti|haitian|haitians
honduras|honduran|hondurans
hong kong|hongkonger|hongkongers
hungary|hungarian|hungarians
iceland|icelandic|icelander|icelanders
india|indian|indians
indonesia|indonesian|indonesians
iran|iranian|iranians|persia|persian
iraq|iraqi|iraqis
israel|israeli|israelis
italy|italian|italians
ivory coast|ivorian|ivorians|cote d'ivoire
jamaica|jamaican|jamaicans
japan|japanese
jordan|jordanian|jordanians
kazakhstan|kazakh|kazakhs|kazakhstani
kenya|kenyan|kenyans
korea|korean|koreans
north korea|north korean|north koreans|dprk|pyongyang
south korea|south korean|south koreans|seoul
kosovo|kosovan|kosovar|kosovans|kosovars
kuwait|kuwaiti|kuwaitis
kyrgyzstan|kyrgyz
latvia|latvian|latvians
lebanon|lebanese
liberia|liberian|liberians
libya|libyan|libyans
lithuania|lithuanian|lithuanians
luxembourg|luxembourger|luxembourgers
macedonia|north macedonia|macedonian|macedonians
malaysia|malaysian|malaysians
mali|malian|malians
malta|maltese
mexico|mexican|mexicans
moldova|moldovan|moldovans
mongolia|mongolian|mongolians
montenegro|montenegrin|montenegrins
morocco|moroccan|moroccans
mozambique|mozambican|mozambicans
namibia|namibian|namibians
nepal|nepalese|nepali|nepalis
netherlands|dutch|holland|dutchman
new zealand|new zealander|new zealanders|kiwi|kiwis|nz
nicaragua|nicaraguan|nicaraguans
niger|nigerien|nigeriens
nigeria|nigerian|nigerians
norway|norwegian|norwegians
oman|omani|omanis
pakistan|pakistani|pakistanis
palestine|palestinian|palestinians|palestinian territories
panama|panamanian|panamanians
paraguay|paraguayan|paraguayans
peru|peruvian|peruvians
philippines|filipino|filipinos|philippine|filipina
poland|polish|pole|poles
portugal|portuguese
qatar|qatari|qataris
romania|romanian|romanians
russia|russian|russians|russian federation
rwanda|rwandan|rwandans
saudi arabia|saudi|saudis|saudi arabian
senegal|senegalese
serbia|serbian|serbians|serb|serbs
sierra leone|sierra leonean|sierra leoneans
singapore|singaporean|singaporeans
slovakia|slovak|slovakian|slovaks
slovenia|slovenian|slovene|slovenians|slovenes
somalia|somali|somalis
south africa|south african|south africans
spain|spanish|spaniard|spaniards
sri lanka|sri lankan|sri lankans
sudan|sudanese
south sudan|south sudanese
sweden|swedish|swede|swedes
switzerland|swiss
syria|syrian|syrians
taiwan|taiwanese
tajikistan|tajik|tajiks
tanzania|tanzanian|tanzanians
thailand|thai|thais
tunisia|tunisian|tunisians
turkey|turkish|turk|turks|turkiye
turkmenistan|turkmen
uganda|ugandan|ugandans
ukraine|ukrainian|ukrainians
united arab emirates|uae|emirati|emiratis
uruguay|uruguayan|uruguayans
uzbekistan|uzbek|uzbeks
venezuela|venezuelan|venezuelans
vietnam|vietnamese|viet nam
yemen|yemeni|yemenis
zambia|zambian|zambians
zimbabwe|zimbabwean|zimbabweans
africa|african|africans
asia|asian|asians
latin america|latin american|latin americans
middle east|middle eastern
arab|arabs|arabic|arabian
london|londoner|londoners
paris|parisian|parisians
new york|new yorker|new yorkers|nyc
los angeles|angeleno|l.a.
tory|tories|conservative|conservatives|conservative party
lib dem|lib dems|liberal democrat|liberal democrats
labour|labour party
man utd|manchester united|man united
utd|united
monday|mon
tuesday|tue|tues
wednesday|wed
thursday|thu|thur|thurs
friday|fri
saturday|sat
sunday|sun
"""
# Forms that are written in capitals in running text and must be matched so ("US", not "us").
ABBREVIATIONS = frozenset("uk u.k. us u.s. usa u.s.a. eu un u.n. uae nz drc dprk prc nyc".split())


def _load_lines() -> dict[str, frozenset[str]]:
    """Each form, mapped to every form of its group (lines, since forms hold spaces)."""
    index: dict[str, frozenset[str]] = {}
    for line in _GROUPS.strip().splitlines():
        group = frozenset(form.strip() for form in line.split("|") if form.strip())
        for form in group:
            index[form] = index.get(form, frozenset()) | group
    return index


EQUIVALENT_FORMS: dict[str, frozenset[str]] = _load_lines()
