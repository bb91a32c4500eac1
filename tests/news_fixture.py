"""Made-up news articles for the tests that must run without ../shared/data.

Everything here is invented for this project (the towns, people, companies and
events do not exist), so the repository holds no one else's text. The articles
are shaped like the real data where the tests depend on it:

- a headline of 5-12 words and a one-sentence standfirst;
- a body of 4-10 paragraphs (one a line), 8-26 sentences, about 140-380 words,
  whose first sentences tell the story the standfirst sums up (so lead
  baselines beat random ones, as on real news) and whose later sentences give
  background, quotes and numbers;
- text that exercises the sentence splitter (``Mr.``, ``3.5%``, ``U.N.``,
  quotations) and some non-ASCII (``café``, curly quotes, an en dash).

``articles(n)`` is deterministic: the same n always gives the same articles.
``HANDWRITTEN`` are eight complete stories written out by hand; the rest are
composed from the templates below with a seeded generator.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path
from typing import Any

HANDWRITTEN: list[dict[str, str]] = [
    {
        "id": "fx-0001",
        "headline": "Harbour town votes to close coal jetty by 2030",
        "standfirst": "Councillors in Pellmouth have agreed to shut the town's last coal jetty within six years "
                      "and turn the quay into a ferry terminal.",
        "body": "Councillors in Pellmouth voted 14 to 3 on Tuesday night to close the town's last coal jetty by 2030, "
                "ending more than a century of coal shipments from the harbour. The quay will be rebuilt as a "
                "terminal for the island ferries, which now dock two miles up the estuary.\n"
                "The council leader, Mr. Idris Fenwold, said the decision \u201cwas made for us by the ships "
                "themselves\u201d. Only nine colliers called at the jetty last year, against 212 in 1998. "
                "\u201cWe can mourn the old trade or we can build the next one,\u201d he told the chamber.\n"
                "The harbour company, which employs 41 people at the jetty, said no jobs would go before 2028. "
                "Its chief executive, Dr. Maren Oakes, said staff would be offered posts at the new terminal. "
                "The union representing the dock workers said it would hold the company to that promise.\n"
                "Rebuilding the quay is expected to cost \u00a338.5m. About 60% will come from a regional "
                "transport fund, and the rest from the harbour company and a rise in ferry fares of 3.5%. "
                "Work on the terminal building is due to start in the spring of 2027.\n"
                "Not everyone in the chamber was convinced. Councillor Ruth Alder said the ferry operator had "
                "not yet signed a lease. \u201cWe are knocking down a jetty for a tenant we do not have,\u201d she said.",
    },
    {
        "id": "fx-0002",
        "headline": "Rare orchid found growing on railway embankment",
        "standfirst": "A volunteer surveying wildflowers beside a disused railway line near Cassingford has found "
                      "a colony of lizard orchids, a plant not recorded in the county for 40 years.",
        "body": "A colony of lizard orchids has been found on a railway embankment near Cassingford, the first "
                "record of the plant in the county for 40 years. The flowers were spotted by a volunteer, "
                "Tomas Brerely, during a survey of the disused line for the county wildlife trust.\n"
                "Mr. Brerely said he almost walked past them. \u201cThey look like a weed from a distance, and then "
                "you see the petals twisted like little tails,\u201d he said. He counted 23 flowering spikes.\n"
                "The trust's botanist, Dr. Helena Marsh, confirmed the find. She said the orchid's seeds are "
                "as fine as dust and can travel many miles on the wind. The chalky soil of the embankment, cut "
                "in the 1860s, suits the plant well.\n"
                "The railway company that owns the line has agreed not to cut the grass on that stretch until "
                "the autumn. The exact site is being kept secret to protect the plants from collectors.\n"
                "Lizard orchids were once thought close to extinction in Britain. Warmer summers have helped "
                "them spread north in recent decades, according to the trust.",
    },
    {
        "id": "fx-0003",
        "headline": "Bakery chain recalls rye loaves over glass fears",
        "standfirst": "Hollin & Daughters has asked customers to return rye loaves sold in 46 shops after small "
                      "pieces of glass were found in two of them.",
        "body": "The bakery chain Hollin & Daughters has recalled its seeded rye loaves from 46 shops after "
                "customers found small pieces of glass in two loaves. The company said the glass is thought to "
                "come from a broken light fitting at its bakery in Wendley.\n"
                "Loaves with best-before dates from 3 to 9 June are affected. Customers are asked not to eat "
                "them and to return them to any shop for a full refund, with or without a receipt.\n"
                "No injuries have been reported. The food safety agency said it was working with the company "
                "and that the recall was a precaution. \u201cThe risk to any one customer is low, but it is not "
                "zero,\u201d a spokesperson said.\n"
                "Hollin & Daughters, founded in 1952, sells about 80,000 loaves a week. Its managing director, "
                "Ms. Ottilie Hollin, apologised to customers. She said the line had been stopped, cleaned and "
                "inspected, and would restart on Monday.",
    },
    {
        "id": "fx-0004",
        "headline": "Second-half comeback sends Carrow Vale into cup final",
        "standfirst": "Carrow Vale came from two goals down to beat Dunmere Athletic 3-2 and reach the county cup "
                      "final for the first time since 1987.",
        "body": "Carrow Vale scored three times in the second half to beat Dunmere Athletic 3-2 and reach the "
                "county cup final for the first time since 1987. Dunmere had led 2-0 at the break through goals "
                "from Jonah Pike and a penalty from their captain, Femi Adeyinka.\n"
                "Vale's manager, Lorna Quist, made two changes at half-time. One of the substitutes, the "
                "19-year-old winger Caio Brandt, set up the first goal within four minutes of coming on. "
                "Brandt then scored the equaliser himself with a low shot from the edge of the area.\n"
                "The winner came in the 88th minute, when defender Sam Okonjo headed in a corner. \u201cI've never "
                "scored a header in my life,\u201d Okonjo said afterwards. \u201cI just closed my eyes.\u201d\n"
                "A crowd of 4,120, the largest at the ground this season, saw the match. Vale will play "
                "Harrowgate Town in the final at the county ground on 17 May.\n"
                "Dunmere's manager said his side had \u201cstopped playing\u201d after the break. \u201cWe thought the "
                "job was done, and it wasn't,\u201d he said.",
    },
    {
        "id": "fx-0005",
        "headline": "Telescope team spots comet breaking apart",
        "standfirst": "Astronomers at the Ashcombe observatory have photographed a small comet splitting into "
                      "at least four pieces as it passed close to the Sun.",
        "body": "Astronomers at the Ashcombe observatory have photographed a comet breaking into at least four "
                "pieces as it swung close to the Sun last week. The comet, known as C/2031 K4, was discovered "
                "only in March by an amateur observer in Portugal.\n"
                "Images taken on three nights show the nucleus stretching and then separating. The largest "
                "fragment is thought to be about 300 metres across. Prof. Anneliese Varga, who leads the team, "
                "said the break-up was \u201ca gift\u201d for researchers. \u201cWe almost never see the inside of a "
                "comet. Now we can,\u201d she said.\n"
                "Comets are loose piles of ice and dust, and heating by the Sun can make them crack. About one "
                "in ten comets that pass this close is thought to fragment.\n"
                "The pieces pose no risk to the Earth. At its closest, the comet was more than 90 million km "
                "away. The observatory will keep watching the fragments until they fade from view in August.",
    },
    {
        "id": "fx-0006",
        "headline": "Village caf\u00e9 saved by 300 shareholders",
        "standfirst": "Residents of Little Stenham have raised \u00a3120,000 to buy the village caf\u00e9, which was "
                      "due to close when its owners retired.",
        "body": "Residents of Little Stenham have bought their village caf\u00e9 after 300 of them put in between "
                "\u00a350 and \u00a32,000 each. The caf\u00e9, which also serves as the village shop and post office, "
                "was due to close at the end of the month when its owners retired.\n"
                "The owners, Pat and Derek Lowry, ran it for 27 years. Mrs. Lowry said she cried when she heard "
                "the total. \u201cWe thought we would be turning the key for the last time,\u201d she said.\n"
                "The new community company will employ a manager and two part-time staff. Volunteers will run "
                "a delivery round for older residents \u2013 something the Lowrys did themselves for years.\n"
                "Community shops are on the rise. According to a national support group, more than 400 now "
                "trade across the country, and very few have closed. Their success rate after five years is "
                "above 90%, far higher than that of small businesses in general.",
    },
    {
        "id": "fx-0007",
        "headline": "Court fines water firm \u00a31.2m over river spill",
        "standfirst": "Brightwater Utilities has been fined \u00a31.2m after untreated sewage from a broken pump "
                      "killed thousands of fish in the River Leam.",
        "body": "A water company has been fined \u00a31.2m after untreated sewage from one of its pumping stations "
                "killed thousands of fish in the River Leam. Brightwater Utilities admitted polluting the river "
                "over three days in July 2029, when a pump failed and an alarm went unanswered.\n"
                "The court heard that the alarm was sent to an email inbox that no one checked at weekends. "
                "Anglers raised the alarm on the Monday, after finding dead fish along a four-mile stretch.\n"
                "Judge Sarah Whitlock said the company had been \u201cnegligent, not unlucky\u201d. She said the "
                "fine reflected the firm's size: it made a profit of \u00a3210m last year.\n"
                "Brightwater said it was sorry and had spent \u00a34m on new alarms at 120 pumping stations. The "
                "environment agency said the river was recovering, but that some species of fish could take "
                "five years to return.",
    },
    {
        "id": "fx-0008",
        "headline": "Robotics class beats universities in rescue contest",
        "standfirst": "A team of six teenagers from Fennick Academy has won a national contest for search-and-rescue "
                      "robots, beating entries from eleven universities.",
        "body": "Six teenagers from Fennick Academy have won a national contest for search-and-rescue robots, "
                "beating teams from eleven universities. Their robot, built from a kit and parts from a "
                "scrapyard, found all five \u201ccasualties\u201d hidden in a mock collapsed building in 14 minutes.\n"
                "The team's teacher, Mr. Hugo Daniels, said the students had spent every lunchtime since "
                "September on the project. \u201cThey broke it about forty times. That is how you learn,\u201d he said.\n"
                "The robot uses a cheap heat camera and a microphone to find people. One of the students, "
                "Aisha Rahman, 16, wrote the software that steers it through gaps narrower than a shoebox.\n"
                "The judges said the team's design was the simplest in the contest, and the most reliable. "
                "The school will receive \u00a310,000 for its science department, and the team has been invited "
                "to show the robot at an international fair in Osaka in October.",
    },
]

PLACES = ["Ardlow", "Bexmoor", "Calder Ford", "Dunmere", "Eastwick Fen", "Fallowby", "Greyhithe", "Hallam Cross",
          "Ingleby Marsh", "Kestrel Bay", "Lowther", "Marrick", "Northolt Vale", "Oxenby", "Penrith Moor",
          "Quarry Hill", "Redwater", "Saltmarsh", "Thornbury Edge", "Upfield", "Wexcombe", "Yarrow"]
FIRST = ["Amara", "Ben", "Chiara", "Dev", "Elena", "Farid", "Grace", "Hamish", "Ines", "Jonas", "Kemi", "Lars",
         "Mina", "Niall", "Olga", "Priya", "Rafael", "Saoirse", "Tariq", "Ulla", "Viktor", "Wen", "Yusuf", "Zofia"]
LAST = ["Abbot", "Bello", "Carrick", "Drummond", "Ekwueme", "Fairbairn", "Gallo", "Hartigan", "Iwu", "Jansen",
        "Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Pryce", "Quintero", "Rowntree", "Sato",
        "Thorne", "Ueda", "Varga", "Whitlow", "Zamora"]
FIRMS = ["Northgate Foods", "Alder Rail", "Brightline Energy", "Corran Textiles", "Delph Motors", "Elmstead Pharma",
         "Fernside Homes", "Glenmore Telecom", "Hythe Airways", "Ivel Paper", "Juniper Bank", "Kinross Steel"]
THINGS = {
    "council": ["a new bus lane", "a car park", "a library extension", "a cycle path", "a housing estate",
                "a flood wall", "a night-time parking ban", "a market hall"],
    "business": ["a factory", "a call centre", "a distribution warehouse", "a research lab", "a bakery",
                 "a printing works"],
    "health": ["a children's ward", "a walk-in clinic", "a maternity unit", "an eye hospital", "a stroke unit"],
    "science": ["a species of beetle", "a kind of bacteria", "a buried Roman road", "a meteorite",
                "a colony of bats", "an underground river"],
    "weather": ["storm", "flood", "heatwave", "gale", "snowfall", "hailstorm"],
    "sport": ["rugby", "cricket", "hockey", "netball", "rowing", "football"],
}

# Each topic: headline, standfirst, lead sentences (retelling the standfirst), and later sentences.
TOPICS: dict[str, dict[str, list[str]]] = {
    "council": {
        "headline": ["{place} council approves {thing} despite protests", "Plans for {thing} in {place} approved",
                     "{place} to get {thing} after narrow vote"],
        "standfirst": ["Councillors in {place} have approved plans for {thing}, despite a petition against it "
                       "signed by {n1} residents.",
                       "Plans for {thing} in {place} have been approved by {n2} votes to {n3} after a long debate."],
        "lead": ["Councillors in {place} have voted to approve {thing}, ending a dispute that has lasted {n3} years.",
                 "The plans for {thing} were approved by {n2} votes to {n3} at a meeting on {day} evening.",
                 "A petition against {thing} had been signed by {n1} residents of {place}."],
        "later": ["The council leader, {person}, said the town \u201ccould not stand still\u201d.",
                  "Opponents in {place} said they would ask for a judicial review of the decision.",
                  "Work is expected to start in the spring and take about {n3} months.",
                  "The scheme will cost \u00a3{money}m, most of it from central government.",
                  "{person2}, who organised the petition, said residents had not been listened to.",
                  "\u201cWe will keep fighting this,\u201d {person2} said. \u201cIt is the wrong thing in the wrong place.\u201d",
                  "A council report found that traffic in the area had grown by {pct}% in five years.",
                  "Businesses in {place} were split, with some saying the plan would bring {n1} more customers a week."],
    },
    "business": {
        "headline": ["{firm} to cut {n1} jobs at {place} site", "{firm} profits fall as costs rise",
                     "{firm} opens {thing} in {place}"],
        "standfirst": ["{firm} has said it will cut {n1} jobs at its site in {place}, blaming rising energy costs.",
                       "{firm} has opened {thing} in {place}, creating {n1} jobs over the next {n3} years."],
        "lead": ["{firm} said on {day} that {n1} jobs would go at its site in {place}.",
                 "The company blamed energy costs, up {pct}% in a year, and weaker demand for its products.",
                 "{firm} employs about {n4} people across the country."],
        "later": ["Its chief executive, {person}, said the decision was \u201cpainful but necessary\u201d.",
                  "A union official, {person2}, said staff had been given no warning.",
                  "Shares in the company fell {pct}% in early trading.",
                  "The firm reported a profit of \u00a3{money}m last year, down from the year before.",
                  "Analysts said other firms near {place2} faced the same pressures.",
                  "The MP for {place}, {person2}, said she would meet the company's managers on {day}.",
                  "The site has been open since {year} and was once the town's largest employer."],
    },
    "health": {
        "headline": ["{place} hospital to close {thing} overnight", "Waiting times at {place} hospital rise again",
                     "New {thing} opens at {place} hospital"],
        "standfirst": ["The hospital in {place} is to close its {thing} at night because it cannot find enough "
                       "staff, health bosses have said.",
                       "Patients at {place} hospital waited an average of {n3} hours in {month}, the longest on record."],
        "lead": ["Health bosses in {place} have said the hospital's {thing} will close at night from next month.",
                 "They said they could not find enough nurses and doctors to staff all {n2} beds safely.",
                 "Patients needing care at night will be sent to a hospital {n3} miles away."],
        "later": ["The trust's medical director, Dr. {person}, said the change was temporary.",
                  "A patients' group in {place} said the move would put lives at risk.",
                  "\u201cPeople will have to travel further when they are at their most ill,\u201d said {person2}.",
                  "The trust has {n1} vacancies for nurses, about {pct}% of its posts.",
                  "It has spent \u00a3{money}m on agency staff this year.",
                  "Figures published on {day} showed demand at the hospital was up on last year."],
    },
    "science": {
        "headline": ["Scientists find {thing} near {place}", "Students discover {thing} on {place} field trip",
                     "Survey finds {thing} under {place}"],
        "standfirst": ["Researchers have found {thing} near {place}, the first such discovery in the region for "
                       "more than {n3} decades.",
                       "A group of students on a field trip to {place} has discovered {thing}, experts have confirmed."],
        "lead": ["Researchers working near {place} have found {thing}, the first in the region for {n3} decades.",
                 "The find was confirmed by experts at the university on {day}.",
                 "It was made during a survey that began in {year}."],
        "later": ["Prof. {person}, who led the team, said the discovery was \u201cgenuinely surprising\u201d.",
                  "The site, somewhere between {place} and {place2}, is being kept secret to protect it.",
                  "Samples have been sent to a laboratory in {place2} for further tests.",
                  "\u201cWe had walked past that spot a hundred times,\u201d said {person2}, one of the team.",
                  "The results will be published in a scientific journal in {month}.",
                  "The survey covered {n1} square metres and took {n3} weeks.",
                  "Experts say similar finds could be waiting in places like {place2}."],
    },
    "weather": {
        "headline": ["{thing} brings disruption to {place}", "Homes evacuated in {place} after {thing}",
                     "Roads closed as {thing} hits {place}"],
        "standfirst": ["A {thing} has closed roads and schools in {place}, and forecasters say more is on the way.",
                       "About {n1} homes in {place} were evacuated overnight after the {thing}."],
        "lead": ["A {thing} has caused disruption across {place}, closing roads and schools on {day}.",
                 "Emergency services said they had been called to more than {n1} incidents.",
                 "Forecasters have warned that more bad weather is on the way for {place} by {day}."],
        "later": ["A spokesperson for the fire service, {person}, urged people not to travel.",
                  "Rail services were cancelled between {place} and the coast.",
                  "{person2}, whose home was damaged, said it was the worst she had seen in {n3} years.",
                  "The weather service said {n2}mm of rain fell in 24 hours, a record for the month.",
                  "Power was cut to about {n4} homes for several hours.",
                  "The council has opened a rest centre in {place} town hall for {n1} people."],
    },
    "sport": {
        "headline": ["{place} win {thing} title on final day", "{place} captain retires after {n3} seasons",
                     "Late try gives {place} victory"],
        "standfirst": ["{place} won the county {thing} title on the last day of the season with a {n3}-point win.",
                       "The {place} captain, {person}, has announced she will retire at the end of the season."],
        "lead": ["{place} clinched the county {thing} title on the final day of the season on {day}.",
                 "They needed to win to finish above their rivals, and did so by {n3} points.",
                 "It is the club's first title since {year}."],
        "later": ["Their coach, {person}, said the players had \u201cearned every point\u201d.",
                  "A crowd of {n4} watched the match.",
                  "{person2} scored twice in the second half.",
                  "The club will now play in the regional league next season, against teams such as {place2}.",
                  "\u201cWe were written off in {month},\u201d said {person2}. \u201cNot any more.\u201d",
                  "The club's budget, about \u00a3{money}m, is among the smallest in the league."],
    },
}
MONTHS = ["January", "March", "April", "June", "August", "October", "November"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
FILLER = [
    "The details were set out in a report published by the U.N. in {year}.",
    "Mr. {last} said more information would be given at a public meeting.",
    "A similar scheme in {place2} was dropped in {year} after costs rose by {pct}%.",
    "Figures show the number has grown steadily since {year}.",
    "Dr. {last} said the figures should be treated with caution.",
    "The matter will be discussed again at a meeting in {month}.",
    "Local people have been asked to share their views before the end of {month}.",
    "An independent review led by {person2} is expected to report by the end of the year.",
    "Some residents of {place} said they had only heard about it from neighbours.",
    "\u201cWe want to get this right, not do it quickly,\u201d a spokesperson for {place} said.",
    "It is the third time in {n3} years that the issue has been raised.",
    "Critics in {place2} say the plans do not go far enough \u2013 supporters say they go too far.",
    "The last time anything similar happened, in {year}, it took months to put right.",
    "A spokesperson for the {place} authority, {person2}, said it was aware of the situation and monitoring it closely.",
    "Campaigners in {place2} said they had watched events in {place} with interest and would press for the same.",
    "The number of complaints received so far stands at {n1}, according to figures seen by this newspaper.",
    "Mrs. {last}, who has lived in the area for {n3} decades, said she had never known anything like it.",
    "A public meeting held in {place2} church hall on {day} drew a larger crowd than the organisers had expected.",
    "Officials declined to say how much of the \u00a3{money}m had been spent so far, citing commercial confidentiality.",
    "Some of the {n1} people affected said they would only believe promises when they saw them kept.",
    "The opposition group on {place} council called for a full and independent inquiry into what went wrong.",
    "An earlier study, carried out in {year}, reached broadly similar conclusions but was never acted upon.",
    "Residents who want to comment can write to {place} town hall before {month} or fill in a form online.",
    "Experts from two universities are expected to give evidence when the matter is reviewed in {month}.",
]


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _composed(number: int) -> dict[str, str]:
    """One made-up article from the templates, seeded by its number."""
    rng = random.Random(f"news-fixture-{number}")
    topic = rng.choice(sorted(TOPICS))
    parts = TOPICS[topic]
    slots = {
        "place": rng.choice(PLACES), "place2": rng.choice(PLACES), "firm": rng.choice(FIRMS),
        "thing": rng.choice(THINGS.get(topic, THINGS["business"])), "person": _person(rng), "person2": _person(rng),
        "last": rng.choice(LAST), "n1": f"{rng.randint(12, 950):,}", "n2": str(rng.randint(8, 30)),
        "n3": str(rng.randint(2, 9)), "n4": f"{rng.randint(1200, 48000):,}", "pct": f"{rng.randint(2, 60)}.{rng.randint(0, 9)}",
        "money": f"{rng.randint(1, 90)}.{rng.randint(1, 9)}", "year": str(rng.randint(1952, 2024)),
        "day": rng.choice(DAYS), "month": rng.choice(MONTHS),
    }
    headline = _fill(rng.choice(parts["headline"]), slots)
    headline = headline[0].upper() + headline[1:]
    standfirst = _fill(rng.choice(parts["standfirst"]), slots)
    standfirst = standfirst[0].upper() + standfirst[1:]
    later = [_fill(s, slots) for s in parts["later"]] + [_fill(s, slots) for s in rng.sample(FILLER, 14)]
    rng.shuffle(later)
    sentences = [_fill(s, slots) for s in parts["lead"]] + later[: rng.randint(12, len(later))]
    sentences = [s[0].upper() + s[1:] for s in sentences]
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[i:i + size]))
        i += size
    return {"id": f"fx-{number:04d}", "headline": headline, "standfirst": standfirst, "body": "\n".join(paragraphs)}


@lru_cache(maxsize=None)
def _all(n: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    rows = HANDWRITTEN[:n] + [_composed(i) for i in range(len(HANDWRITTEN) + 1, n + 1)]
    return tuple(tuple(r.items()) for r in rows)


def articles(n: int, start: int = 0) -> list[dict[str, Any]]:
    """Articles ``start`` .. ``start + n - 1`` (id, headline, standfirst, body), fresh dicts each call."""
    return [dict(r) for r in _all(start + n)[start:]]


def write_news_jsonl(path: Path, n: int = 200, start: int = 0) -> Path:
    """``n`` made-up articles as a JSONL file (the shape of the real data files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in articles(n, start)), encoding="utf-8")
    return path
