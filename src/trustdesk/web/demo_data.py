"""The demo's fictional university as plain data: who works there, its partners, its cases.

`demo.py` feeds this through the real services, so nothing here is written to the database
directly and every record gets its genuine audit trail. Everything is fictional except the names
of well-known universities: the companies, the foundation and every person are invented, and the
ORCID iDs come from the block 0000-0000-…, which ORCID never issues, so they pass the checksum
but can never lead to a real person's record. The ROR ids are the real ones of those universities.

Dates are days from the day the demo is loaded, so the demo looks current whenever it is loaded.
Three listed universities (Beihang, Harbin Institute of Technology, National University of Defense
Technology) appear on the research-security lists that trustdesk ships, so their screening shows
hits with explanations; Northwestern University shows a near miss that an officer rules out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

UNIVERSITY: Final = "University of Wessex"
EMAIL_DOMAIN: Final = "wessex.example"  # the reserved .example TLD: no mail can ever leave
# Seeds the demo passwords (see demo.demo_password): fixed, so every load prints the same ones.
PASSWORD_SEED: Final = "trustdesk-demo-2026"  # noqa: S105  # published on purpose: demo only
# Sixty-four short, distinct words: three of them and two digits make a password of 14 or more
# characters that passes the length and common-password validators and is easy to type.
PASSWORD_WORDS: Final = (
    "amber", "anchor", "apple", "arrow", "aspen", "badger", "basil", "beacon",
    "birch", "bramble", "breeze", "brook", "cactus", "canyon", "cedar", "cider",
    "clover", "cobalt", "comet", "copper", "coral", "crane", "dune", "ember",
    "falcon", "fern", "fjord", "garnet", "glacier", "harbour", "hazel", "heron",
    "indigo", "island", "jasper", "juniper", "kestrel", "lantern", "lark", "lemon",
    "linden", "lotus", "maple", "marble", "meadow", "nectar", "nutmeg", "oak",
    "orchid", "otter", "pebble", "pepper", "plume", "quartz", "raven", "saffron",
    "sorrel", "spruce", "thistle", "tundra", "velvet", "willow", "yarrow", "zephyr",
)  # fmt: skip
# The review-due sweep runs as if on this day (days from today), after the review date of the
# one engagement meant to be due and long before every other's.
REVIEW_DUE_SWEEP_DAY: Final = 3


@dataclass(frozen=True, slots=True)
class DepartmentData:
    name: str
    faculty: str


@dataclass(frozen=True, slots=True)
class UserData:
    username: str
    first_name: str
    last_name: str
    role: str  # User.Role value
    department: str | None  # a DepartmentData.name; None for the central roles
    title: str = ""  # what the person does, for the printed sign-ins


@dataclass(frozen=True, slots=True)
class OrganisationData:
    name: str
    kind: str  # Organisation.Kind value
    country: str
    added_by: str  # username: organisations are a shared register, added by whoever first needs one
    aliases: tuple[str, ...] = ()
    ror_id: str = ""
    website: str = ""


@dataclass(frozen=True, slots=True)
class PersonData:
    name: str
    # People are personal data seen within a scope: added by the owner of the case that names them.
    added_by: str
    affiliations: tuple[str, ...] = ()  # organisation names
    orcid: str = ""


@dataclass(frozen=True, slots=True)
class PartnerLink:
    role: str  # EngagementPartner.Role value
    organisation: str = ""
    person: str = ""
    note: str = ""


# One dataclass per step of the life cycle, each naming the user (username) who takes it.


@dataclass(frozen=True, slots=True)
class Submit:
    by: str


@dataclass(frozen=True, slots=True)
class Withdraw:
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class StartReview:
    by: str


@dataclass(frozen=True, slots=True)
class Adjudicate:
    """An officer's verdict on every hit of an organisation's screening.

    Hits on an entry with the organisation's own name are confirmed with `same_reason`; any other
    (a different institution with a similar name) is a false positive with `other_reason`.
    """

    by: str
    organisation: str
    same_reason: str
    other_reason: str


@dataclass(frozen=True, slots=True)
class AskForInformation:
    """An officer asks the researchers questions; the case waits for the answers."""

    by: str
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recommend:
    """An officer recommends; the case's route (its triage tier) says who then decides."""

    by: str
    outcome: str  # decisions.models.Outcome value
    reason: str
    conditions: tuple[str, ...] = ()
    review_in_days: int | None = None  # approvals need a review date after today
    conditions_due_in_days: int = 60


@dataclass(frozen=True, slots=True)
class Decide:
    """The routed decision; without a recommendation first, `recommended_by` (or `by`) makes one."""

    by: str
    outcome: str  # decisions.models.Outcome value
    reason: str
    conditions: tuple[str, ...] = ()
    review_in_days: int | None = None  # approvals need a review date after today
    conditions_due_in_days: int = 60
    recommended_by: str = ""


@dataclass(frozen=True, slots=True)
class Activate:
    by: str


@dataclass(frozen=True, slots=True)
class Close:
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Triage:
    """The owner checks what applies before submitting, and the result is worked out.

    The engagement's record prefills what it can (see `trustdesk.web.triage.selectors`) and
    `answers` gives the rest. They answer the UK base pack's questions (`TRIAGE_PACK`); with
    another pack configured, the demo leaves triage out rather than answer questions not asked.
    """

    by: str
    answers: tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """The owner answers the officer's open questions, in order; the last resumes the review."""

    by: str
    answers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assess:
    """An officer runs the risk assessment, then changes ratings, each with its justification.

    `overrides` are (area, rating, justification): the computed rating stays beside the chosen.
    """

    by: str
    overrides: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ProposeMitigations:
    """An officer adds the checklist items the pack applies to the case's triage outcome."""

    by: str


@dataclass(frozen=True, slots=True)
class AddMitigation:
    """An officer adds an item of their own; a due date in the past makes it overdue."""

    by: str
    title: str
    description: str = ""
    area: str = ""
    due_in_days: int | None = None


@dataclass(frozen=True, slots=True)
class CompleteMitigation:
    """The item's owner uploads a small text file as evidence and marks the item done.

    `item` is the start of the item's title; the evidence is generated from `evidence`.
    """

    by: str
    item: str
    note: str
    evidence_name: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Vote:
    """A committee member votes on the open recommendation; the quorum's last vote decides."""

    by: str
    outcome: str  # decisions.models.Outcome value
    reason: str


@dataclass(frozen=True, slots=True)
class AddPartner:
    """A partner joins a case after its decision: the daily job brings its review forward."""

    by: str
    link: PartnerLink


#: Every gb-base question answered the quietest way: what a case's own triage does not say.
QUIET_ANSWERS: Final[dict[str, object]] = {
    "partner_kind": "university",
    "research_areas": ["history"],
    "transfer_abroad": False,
    "military_end_use": "none",
    "partner_military_links": False,
    "visitor_nationality": "FR",
    "visitor_level": "researcher",
    "travel_country": "FR",
    "travel_carrying": ["nothing"],
    "funder_kind": "uk-private",
    "personal_data": "none",
    "human_participants": False,
    "publication_restrictions": False,
    "ip_transfer": False,
    "other_organisations": [],
    "payment_to_partner": False,
    "goods_rating": "no-goods",
    # Asked only when something is transferred; "unpublished" keeps export control in view, as
    # the demo's cases were written before the question was asked.
    "publication_status": "unpublished",
    "personal_data_kinds": [],
    "ip_terms": [],
    "funding_conditions": [],
}

# The pack the demo's triage answers are written for (or a pack that extends it).
TRIAGE_PACK: Final = "gb-base"

Step = (
    Submit
    | Withdraw
    | StartReview
    | Adjudicate
    | AskForInformation
    | Recommend
    | Decide
    | Activate
    | Close
    | Triage
    | Answer
    | Assess
    | ProposeMitigations
    | AddMitigation
    | CompleteMitigation
    | Vote
    | AddPartner
)


@dataclass(frozen=True, slots=True)
class EngagementData:
    title: str
    kind: str  # Engagement.Kind value
    owner: str
    summary: str
    countries: tuple[str, ...]
    research_areas: tuple[str, ...] = ()
    partners: tuple[PartnerLink, ...] = ()
    team: tuple[str, ...] = ()
    funding: tuple[Decimal, str, str] | None = None  # amount, ISO 4217 currency, source
    starts_in_days: int | None = None
    lasts_days: int | None = None
    steps: tuple[Step, ...] = ()
    # The status the steps (and the review-due sweep) leave it in, checked after loading.
    expected_status: str = "draft"


AERO = "Aerospace Engineering"
PHYSICS = "Physics"
CS = "Computer Science"
CHEM = "Chemistry"
HISTORY = "History"
BUSINESS = "Business School"

DEPARTMENTS: Final = (
    DepartmentData(AERO, "Faculty of Engineering"),
    DepartmentData(PHYSICS, "Faculty of Science"),
    DepartmentData(CS, "Faculty of Science"),
    DepartmentData(CHEM, "Faculty of Science"),
    DepartmentData(HISTORY, "Faculty of Arts and Humanities"),
    DepartmentData(BUSINESS, "Faculty of Business and Law"),
)

# The first user is the administrator, created as an install's first admin is; the others are
# created by that administrator and given their roles.
USERS: Final = (
    UserData("mellis", "Morgan", "Ellis", "admin", None, "Systems administrator"),
    UserData("oadeyemi", "Oluwaseun", "Adeyemi", "officer", None, "Research-security officer"),
    UserData("hkowalczyk", "Hanna", "Kowalczyk", "officer", None, "Research-security officer"),
    UserData("mthornbury", "Margaret", "Thornbury", "approver", None, "PVC Research"),
    UserData("dokonkwo", "Deborah", "Okonkwo", "approver", None, "Director of Research Services"),
    UserData("lfairbairn", "Lachlan", "Fairbairn", "approver", None, "Professor of Fluid Dynamics"),
    UserData("rvance", "Rosalind", "Vance", "approver", None, "Deputy General Counsel"),
    UserData("ralamin", "Rashid", "Al-Amin", "auditor", None, "Internal audit"),
    UserData(
        "gbrathwaite", "Gillian", "Brathwaite", "senior_owner", None, "Senior responsible owner"
    ),
    UserData("isolberg", "Ingrid", "Solberg", "champion", AERO, "Department champion"),
    UserData("kmensah", "Kwame", "Mensah", "champion", PHYSICS, "Department champion"),
    UserData("praman", "Priya", "Raman", "champion", CS, "Department champion"),
    UserData("tobriain", "Tomás", "Ó Briain", "champion", CHEM, "Department champion"),
    UserData("ewhitcombe", "Eleanor", "Whitcombe", "champion", HISTORY, "Department champion"),
    UserData("mtan", "Mei Lin", "Tan", "champion", BUSINESS, "Department champion"),
    UserData("jwhitfield", "James", "Whitfield", "researcher", AERO, "Researcher"),
    UserData("aokafor", "Amara", "Okafor", "researcher", AERO, "Researcher"),
    UserData("shernandez", "Sofía", "Hernández", "researcher", PHYSICS, "Researcher"),
    UserData("amehta", "Arjun", "Mehta", "researcher", CS, "Researcher"),
    UserData("ysato", "Yuki", "Sato", "researcher", CS, "Researcher"),
    UserData("frahimi", "Fatima", "Rahimi", "researcher", CHEM, "Researcher"),
    UserData("dlevi", "Daniel", "Levi", "researcher", HISTORY, "Researcher"),
    UserData("cmartin", "Chloé", "Martin", "researcher", BUSINESS, "Researcher"),
)

# The research security committee of gb-base's escalated tier: (seat id, holder), named by the
# administrator. Four seats and a quorum of three: the approvers above hold them.
COMMITTEE_SEATS: Final = (
    ("chair", "mthornbury"),
    ("research-director", "dokonkwo"),
    ("academic-member", "lfairbairn"),
    ("legal-member", "rvance"),
)
COMMITTEE_SEATS_BY: Final = "mellis"

BEIHANG = "Beihang University"
HIT = "Harbin Institute of Technology"
NUDT = "National University of Defense Technology"
NORTHWESTERN = "Northwestern University"

ORGANISATIONS: Final = (
    OrganisationData(
        "University of Toronto",
        "university",
        "CA",
        "kmensah",
        ror_id="03dbr7087",
        website="https://www.utoronto.ca/",
    ),
    OrganisationData(
        "Sorbonne Université",
        "university",
        "FR",
        "dlevi",
        ror_id="02en5vm52",
        website="https://www.sorbonne-universite.fr/",
    ),
    OrganisationData(
        "ETH Zürich",
        "university",
        "CH",
        "amehta",
        aliases=("ETH Zurich",),
        ror_id="05a28rw58",
        website="https://ethz.ch/",
    ),
    OrganisationData(
        "Kyoto University",
        "university",
        "JP",
        "shernandez",
        ror_id="02kpeqv85",
        website="https://www.kyoto-u.ac.jp/",
    ),
    OrganisationData(
        "Delft University of Technology",
        "university",
        "NL",
        "frahimi",
        aliases=("TU Delft",),
        ror_id="02e2c7k09",
        website="https://www.tudelft.nl/",
    ),
    OrganisationData(
        "University of Cape Town",
        "university",
        "ZA",
        "dlevi",
        ror_id="03p74gp79",
        website="https://uct.ac.za/",
    ),
    OrganisationData(
        "Universiti Malaya",
        "university",
        "MY",
        "praman",
        aliases=("University of Malaya",),
        ror_id="00rzspn62",
        website="https://www.um.edu.my/",
    ),
    OrganisationData(
        NORTHWESTERN,
        "university",
        "US",
        "kmensah",
        ror_id="000e0be47",
        website="https://www.northwestern.edu/",
    ),
    OrganisationData(
        BEIHANG,
        "university",
        "CN",
        "jwhitfield",
        aliases=("Beijing University of Aeronautics and Astronautics", "BUAA"),
        ror_id="00wk2mp56",
    ),
    OrganisationData(
        HIT,
        "university",
        "CN",
        "aokafor",
        aliases=("哈尔滨工业大学",),
        ror_id="01yqg2h08",
    ),
    OrganisationData(NUDT, "military", "CN", "ysato", aliases=("NUDT",), ror_id="05d2yfz11"),
    OrganisationData(
        "Tsinghua University",
        "university",
        "CN",
        "ysato",
        ror_id="03cve4549",
        website="https://www.tsinghua.edu.cn/",
    ),
    OrganisationData("Aldermoor Aerospace Ltd", "company", "GB", "aokafor"),
    OrganisationData("Halcyon Photonics Inc.", "company", "US", "kmensah"),
    OrganisationData("Meridian Catalysts plc", "company", "GB", "frahimi"),
    OrganisationData("Brightwater Analytics GmbH", "company", "DE", "amehta"),
    OrganisationData("Larchfield Foundation", "funder", "GB", "cmartin"),
)

PEOPLE: Final = (
    PersonData("Jonas Baumann", "amehta", ("ETH Zürich",), "0000-0000-0418-2738"),
    PersonData("Elif Yıldız", "amehta", ("ETH Zürich",)),
    PersonData(
        "Lucía Ferrer", "frahimi", ("Delft University of Technology",), "0000-0000-0729-1649"
    ),
    PersonData("Aiko Tanaka", "shernandez", ("Kyoto University",), "0000-0000-0356-8102"),
    PersonData("Thandiwe Mokoena", "dlevi", ("University of Cape Town",), "0000-0000-0640-295X"),
    PersonData("Marc-Antoine Lefèvre", "dlevi", ("Sorbonne Université",), "0000-0000-0183-5473"),
    PersonData("Nurul Aisyah Rahman", "praman", ("Universiti Malaya",), "0000-0000-0902-7315"),
    PersonData("Chen Jiahui", "jwhitfield", (BEIHANG,)),
)

_CONFIRMED = (
    "Same institution as the listed entry (name, country and ROR record agree); "
    "the listing stands and the case is assessed with it."
)


def _confirm(officer: str, organisation: str, other: str) -> Adjudicate:
    return Adjudicate(officer, organisation, _CONFIRMED, other)


ENGAGEMENTS: Final = (
    EngagementData(
        title="Quantum sensing summer school with Kyoto University",
        kind="event",
        owner="shernandez",
        summary=(
            "A two-week summer school for 30 doctoral students on cold-atom sensors, held in "
            "Kyoto and co-taught by Wessex and Kyoto staff."
        ),
        countries=("JP",),
        research_areas=("Quantum sensing", "Atomic physics"),
        partners=(
            PartnerLink("partner_institution", organisation="Kyoto University"),
            PartnerLink("collaborator", person="Aiko Tanaka", note="Co-organiser in Kyoto"),
        ),
        starts_in_days=120,
        lasts_days=14,
        steps=(
            Submit("shernandez"),
            Withdraw("shernandez", "Adding the travel budget before the team reviews it."),
            Submit("shernandez"),
            StartReview("hkowalczyk"),
            Decide(
                "hkowalczyk",
                "refer_back",
                "Name who pays for the Kyoto co-organiser's travel before the review can finish.",
            ),
        ),
        expected_status="draft",
    ),
    EngagementData(
        title="Keynote at the African Digital History conference, Cape Town",
        kind="staff_travel",
        owner="dlevi",
        summary="Five days in Cape Town to give a keynote and meet the digital archive team.",
        countries=("ZA",),
        research_areas=("Digital humanities",),
        partners=(
            PartnerLink("host", organisation="University of Cape Town"),
            PartnerLink("host", person="Thandiwe Mokoena", note="Conference chair"),
        ),
        starts_in_days=45,
        lasts_days=5,
        steps=(
            Triage("dlevi", (("research_areas", ["history"]), ("travel_carrying", ["devices"]))),
            Submit("dlevi"),
        ),
        expected_status="submitted",
    ),
    EngagementData(
        title="Hypersonic boundary-layer transition: joint wind-tunnel campaign with Beihang",
        kind="research_collaboration",
        owner="jwhitfield",
        summary=(
            "Shared measurements of boundary-layer transition at Mach 6 in both universities' "
            "tunnels, with exchange of raw data and a joint paper."
        ),
        countries=("CN",),
        research_areas=("Hypersonics", "Aerodynamics"),
        team=("aokafor",),
        partners=(
            PartnerLink("partner_institution", organisation=BEIHANG),
            PartnerLink("principal_investigator", person="Chen Jiahui"),
        ),
        starts_in_days=90,
        lasts_days=730,
        steps=(
            Triage(
                "jwhitfield",
                (
                    ("partner_kind", "university"),
                    ("research_areas", ["aerospace-engineering"]),
                    ("transfer_abroad", True),
                    ("military_end_use", "unsure"),
                    ("partner_military_links", True),
                    ("personal_data", "none"),
                    ("human_participants", False),
                    ("publication_restrictions", False),
                    ("ip_transfer", False),
                ),
            ),
            Submit("jwhitfield"),
            StartReview("oadeyemi"),
            _confirm(
                "oadeyemi",
                BEIHANG,
                "Navy Aviation University (Naval Aeronautics and Astronautics University, "
                "Yantai) is a different institution: only 'Aeronautics and Astronautics' in "
                "Beihang's former name matches.",
            ),
            AskForInformation(
                "oadeyemi",
                (
                    "Which raw data would leave the university, and in what form?",
                    "Has Dr Chen's group worked on military aircraft programmes?",
                ),
            ),
        ),
        expected_status="awaiting_information",
    ),
    EngagementData(
        title="Icing of civil airliner wings: shared icing-tunnel tests with Beihang University",
        kind="research_collaboration",
        owner="aokafor",
        summary=(
            "Ice-accretion tests on wing sections in Beihang's icing tunnel, with Wessex's "
            "simulations; the results feed certification rules for civil aircraft."
        ),
        countries=("CN",),
        research_areas=("Aircraft icing", "Aerodynamics"),
        partners=(PartnerLink("partner_institution", organisation=BEIHANG),),
        starts_in_days=75,
        lasts_days=540,
        steps=(
            Triage(
                "aokafor",
                (
                    ("partner_kind", "university"),
                    ("research_areas", ["aerospace-engineering"]),
                    ("transfer_abroad", True),
                    ("military_end_use", "none"),
                    ("partner_military_links", True),
                ),
            ),
            Submit("aokafor"),
            StartReview("hkowalczyk"),
            # Beihang's hits were confirmed on the hypersonics case: one verdict serves both.
            AskForInformation(
                "hkowalczyk",
                ("Will any wing geometry or tunnel data from Wessex's own projects be shared?",),
            ),
            Answer(
                "aokafor",
                (
                    "Only the public NACA 0012 and NACA 23012 sections; no geometry or data from "
                    "other Wessex projects is shared.",
                ),
            ),
            Assess(
                "hkowalczyk",
                overrides=(
                    (
                        "reputation-and-values",
                        "medium",
                        "Icing data for civil certification is published by regulators; the "
                        "reputational risk is that of the partner's listing, already rated under "
                        "partnerships, not of the work.",
                    ),
                ),
            ),
            ProposeMitigations("hkowalczyk"),
            AddMitigation(
                "hkowalczyk",
                "Keep the shared data to the public NACA sections named in the answer on file",
                area="partnerships",
                due_in_days=30,
            ),
            CompleteMitigation(
                "aokafor",
                "Keep the shared data",
                "Data-sharing list agreed with Beihang and filed.",
                "data-sharing-list.txt",
                "Data to be shared with Beihang University (icing-tunnel project)\n"
                "1. NACA 0012 section: public geometry, ice shapes from the Wessex tunnel.\n"
                "2. NACA 23012 section: public geometry, ice shapes from the Wessex tunnel.\n"
                "Nothing else from Wessex projects is shared. Agreed by A. Okafor.\n",
            ),
            Recommend(
                "hkowalczyk",
                "approve_with_conditions",
                "Civil certification research on public wing sections; the partner's listing is "
                "managed by limiting what is shared and by an export-control check.",
                conditions=(
                    "Export-control check of the simulation code before any copy goes to Beihang.",
                    "Six-monthly note to the research-security office of what was shared.",
                ),
                review_in_days=365,
            ),
            Vote(
                "mthornbury",
                "approve_with_conditions",
                "The work is civil and published; the conditions keep the sharing to it.",
            ),
            Vote(
                "rvance",
                "refer_back",
                "I would want the data-sharing list in a signed agreement before approving.",
            ),
            Vote(
                "lfairbairn",
                "approve_with_conditions",
                "Icing research is routine civil aeronautics; the export-control check covers "
                "the code.",
            ),
        ),
        expected_status="decided",
    ),
    EngagementData(
        title="Radar-absorbing composite panels: test programme for Harbin Institute of Technology",
        kind="contract_research",
        owner="aokafor",
        summary="Paid testing of composite panels' radar absorption for a client in Harbin.",
        countries=("CN",),
        research_areas=("Composite materials", "Radar cross-section"),
        partners=(PartnerLink("client", organisation=HIT),),
        funding=(Decimal("420000.00"), "USD", HIT),
        starts_in_days=60,
        lasts_days=365,
        steps=(
            Submit("aokafor"),
            StartReview("hkowalczyk"),
            _confirm("hkowalczyk", HIT, "A different institution with a similar name."),
            Recommend(
                "hkowalczyk",
                "decline",
                "Listed client and a technology with military use (radar signature reduction): "
                "the risk cannot be mitigated.",
            ),
        ),
        expected_status="in_review",
    ),
    EngagementData(
        title="Thermal-control coatings for small satellites with Harbin Institute of Technology",
        kind="research_collaboration",
        owner="jwhitfield",
        summary=(
            "Joint tests of low-emissivity coatings for cubesat panels in both universities' "
            "thermal-vacuum chambers, with an exchange of samples."
        ),
        countries=("CN",),
        research_areas=("Spacecraft thermal control", "Coatings"),
        partners=(PartnerLink("partner_institution", organisation=HIT),),
        starts_in_days=100,
        lasts_days=365,
        steps=(
            Triage(
                "jwhitfield",
                (
                    ("partner_kind", "university"),
                    ("research_areas", ["space-satellites"]),
                    ("transfer_abroad", True),
                    ("military_end_use", "unsure"),
                    ("partner_military_links", True),
                ),
            ),
            Submit("jwhitfield"),
            StartReview("oadeyemi"),
            Assess("oadeyemi"),
            ProposeMitigations("oadeyemi"),
            Recommend(
                "oadeyemi",
                "decline",
                "Satellite technology with a listed partner whose space programme has military "
                "customers; samples would leave the UK.",
            ),
            Vote("mthornbury", "decline", "Samples of space hardware to a listed institution."),
            Vote("dokonkwo", "decline", "Agree with the recommendation; no mitigation suffices."),
        ),
        # Two of the quorum of three have voted: the case waits for the third member.
        expected_status="in_review",
    ),
    EngagementData(
        title="PhD studentship co-supervised with ETH Zürich: machine learning for climate models",
        kind="studentship",
        owner="amehta",
        summary="A four-year studentship with a year at ETH Zürich, part-funded by industry.",
        countries=("CH", "DE"),
        research_areas=("Machine learning", "Climate modelling"),
        partners=(
            PartnerLink("partner_institution", organisation="ETH Zürich"),
            PartnerLink("funder", organisation="Brightwater Analytics GmbH"),
            PartnerLink("collaborator", person="Jonas Baumann", note="Co-supervisor"),
            PartnerLink("student", person="Elif Yıldız"),
        ),
        funding=(Decimal("96000.00"), "GBP", "Brightwater Analytics GmbH"),
        starts_in_days=30,
        lasts_days=1460,
        steps=(
            Submit("amehta"),
            StartReview("oadeyemi"),
            Decide(
                "oadeyemi",
                "approve",
                "Fundamental research with an established partner; no hits, no controlled "
                "technology.",
                review_in_days=365,
            ),
        ),
        expected_status="decided",
    ),
    EngagementData(
        title="Visiting researcher from TU Delft: Dr Lucía Ferrer, six months in catalysis",
        kind="visiting_researcher",
        owner="frahimi",
        summary="A six-month visit to work on supported-metal catalysts in the Wessex labs.",
        countries=("NL",),
        research_areas=("Catalysis",),
        partners=(
            PartnerLink("partner_institution", organisation="Delft University of Technology"),
            PartnerLink("visitor", person="Lucía Ferrer"),
        ),
        starts_in_days=21,
        lasts_days=182,
        steps=(
            Triage(
                "frahimi",
                (
                    ("partner_kind", "university"),
                    ("research_areas", ["chemistry"]),
                    ("transfer_abroad", False),
                    ("military_end_use", "none"),
                    ("partner_military_links", False),
                    ("visitor_nationality", "ES"),
                    ("visitor_level", "researcher"),
                ),
            ),
            Submit("frahimi"),
            StartReview("hkowalczyk"),
            Decide(
                "mthornbury",
                "approve_with_conditions",
                "Low-risk visit, but the host lab holds precursor chemicals on the export-control "
                "list.",
                conditions=(
                    "Lab access limited to rooms 2.14 and 2.16; no access to the controlled "
                    "chemicals store; export-control check before any sample leaves Wessex.",
                ),
                review_in_days=180,
                recommended_by="hkowalczyk",
            ),
        ),
        expected_status="decided",
    ),
    EngagementData(
        title="Swarm path-planning benchmark for an overseas client",
        kind="contract_research",
        owner="ysato",
        summary="A paid benchmark of path-planning algorithms for drone swarms.",
        countries=("CN",),
        research_areas=("Autonomous systems", "Swarm robotics"),
        partners=(PartnerLink("client", organisation=NUDT),),
        funding=(Decimal("150000.00"), "USD", NUDT),
        starts_in_days=30,
        lasts_days=240,
        steps=(
            Submit("ysato"),
            StartReview("oadeyemi"),
            _confirm(
                "oadeyemi",
                NUDT,
                "National Defense University is a different institution: NUDT's entry is the "
                "one that matches.",
            ),
            Decide(
                "mthornbury",
                "decline",
                "The client is the National University of Defense Technology, on Canada's NRO "
                "list and the US Section 1286 list; drone-swarm navigation has direct military "
                "use.",
                recommended_by="oadeyemi",
            ),
        ),
        expected_status="decided",
    ),
    EngagementData(
        title="Larchfield Foundation gift: endowed chair in sustainable finance",
        kind="donation_or_funding",
        owner="cmartin",
        summary="A £2.5m gift to endow a chair in the Business School for ten years.",
        countries=("GB",),
        research_areas=("Sustainable finance",),
        partners=(PartnerLink("funder", organisation="Larchfield Foundation"),),
        funding=(Decimal("2500000.00"), "GBP", "Larchfield Foundation"),
        starts_in_days=180,
        lasts_days=3650,
        steps=(
            Submit("cmartin"),
            StartReview("hkowalczyk"),
            Recommend(
                "hkowalczyk",
                "approve_with_conditions",
                "Donor due diligence is clean; academic freedom is protected by the conditions.",
                conditions=(
                    "The foundation has no say in appointments or research; the gift agreement "
                    "states this; the donors' sources of funds are checked again at renewal.",
                ),
                review_in_days=365,
            ),
            Decide(
                "hkowalczyk",
                "approve_with_conditions",
                "Donor due diligence is clean; academic freedom is protected by the conditions.",
                conditions=(
                    "The foundation has no say in appointments or research; the gift agreement "
                    "states this; the donors' sources of funds are checked again at renewal.",
                ),
                review_in_days=365,
            ),
        ),
        expected_status="decided",
    ),
    EngagementData(
        title="Joint MSc in Data Science with Universiti Malaya",
        kind="tne_partnership",
        owner="praman",
        summary="A joint taught MSc delivered in Kuala Lumpur, with staff exchange.",
        countries=("MY",),
        research_areas=("Data science",),
        partners=(
            PartnerLink("partner_institution", organisation="Universiti Malaya"),
            PartnerLink("collaborator", person="Nurul Aisyah Rahman", note="Programme lead"),
        ),
        starts_in_days=-200,
        lasts_days=1825,
        steps=(
            Submit("praman"),
            StartReview("oadeyemi"),
            Decide(
                "oadeyemi",
                "approve_with_conditions",
                "Established partner; the data-protection terms need to be in the agreement.",
                conditions=("A data-sharing agreement under UK GDPR is signed before enrolment.",),
                review_in_days=365,
            ),
            Activate("oadeyemi"),
            AddMitigation(
                "oadeyemi",
                "Send the first staff-exchange report (who visited, which systems they used)",
                "Due at the end of the first term; the programme lead has been reminded.",
                area="people",
                due_in_days=-12,  # the demo's overdue mitigation
            ),
        ),
        expected_status="active",
    ),
    EngagementData(
        title="Licence of the low-temperature ammonia catalyst patent to Meridian Catalysts",
        kind="licensing",
        owner="frahimi",
        summary="A non-exclusive licence of patent GB2612345 for industrial use in the UK.",
        countries=("GB",),
        research_areas=("Catalysis",),
        partners=(PartnerLink("licensee", organisation="Meridian Catalysts plc"),),
        funding=(Decimal("60000.00"), "GBP", "Meridian Catalysts plc"),
        starts_in_days=-60,
        lasts_days=1825,
        steps=(
            Submit("frahimi"),
            StartReview("hkowalczyk"),
            Assess("hkowalczyk"),
            Decide(
                "hkowalczyk",
                "approve",
                "UK licensee, civil use, no listed parties.",
                review_in_days=730,
            ),
            Activate("hkowalczyk"),
            # A sub-licensee joins after the decision: the daily job brings the review forward.
            AddPartner(
                "hkowalczyk",
                PartnerLink(
                    "licensee",
                    organisation="Brightwater Analytics GmbH",
                    note="Sub-licensee for process-monitoring software, at Meridian's request",
                ),
            ),
        ),
        expected_status="review_due",
    ),
    EngagementData(
        title="Digitising the Wessex–Normandy medieval charters with Sorbonne Université",
        kind="research_collaboration",
        owner="dlevi",
        summary="Joint digitisation and transcription of 1,200 charters held in both archives.",
        countries=("FR",),
        research_areas=("Medieval history", "Digital humanities"),
        team=("ewhitcombe",),
        partners=(
            PartnerLink("partner_institution", organisation="Sorbonne Université"),
            PartnerLink("principal_investigator", person="Marc-Antoine Lefèvre"),
        ),
        starts_in_days=-400,
        lasts_days=1095,
        steps=(
            Submit("dlevi"),
            StartReview("oadeyemi"),
            Decide(
                "oadeyemi",
                "approve",
                "Low-risk humanities collaboration with an established partner.",
                # Due within the sweep's window: the demo's one case whose review has come.
                review_in_days=REVIEW_DUE_SWEEP_DAY - 1,
            ),
            Activate("oadeyemi"),
        ),
        expected_status="review_due",
    ),
    EngagementData(
        title="Wing-flutter test rig for Aldermoor Aerospace",
        kind="contract_research",
        owner="aokafor",
        summary="Design and commissioning of a flutter test rig for a UK aerospace supplier.",
        countries=("GB",),
        research_areas=("Aeroelasticity",),
        partners=(PartnerLink("client", organisation="Aldermoor Aerospace Ltd"),),
        funding=(Decimal("180000.00"), "GBP", "Aldermoor Aerospace Ltd"),
        starts_in_days=-540,
        lasts_days=365,
        steps=(
            Submit("aokafor"),
            StartReview("hkowalczyk"),
            Decide("hkowalczyk", "approve", "UK client, civil aircraft.", review_in_days=365),
            Activate("hkowalczyk"),
            Close("hkowalczyk", "Work finished: rig commissioned and final report delivered."),
        ),
        expected_status="closed",
    ),
    EngagementData(
        title="Photonic gas sensors with Halcyon Photonics and Northwestern University",
        kind="research_collaboration",
        owner="kmensah",
        summary="A three-party bid to develop mid-infrared gas sensors for air-quality networks.",
        countries=("US",),
        research_areas=("Photonics", "Sensors"),
        partners=(
            PartnerLink("partner_institution", organisation=NORTHWESTERN),
            PartnerLink("collaborator", organisation="Halcyon Photonics Inc."),
        ),
        steps=(
            Submit("kmensah"),
            StartReview("oadeyemi"),
            Adjudicate(
                "oadeyemi",
                NORTHWESTERN,
                _CONFIRMED,
                "Northwestern University (Evanston, Illinois, US) is not Northwestern "
                "Polytechnical University (Xi'an, China) nor Northeastern University: only the "
                "generic words match.",
            ),
            Close(
                "oadeyemi", "The funding bid was unsuccessful; the collaboration will not go ahead."
            ),
        ),
        expected_status="closed",
    ),
)


@dataclass(frozen=True, slots=True)
class GapAction:
    """How the officer completing a self-assessment settles one gap's proposed action."""

    question: str
    owner: str
    due_in_days: int  # from the day the demo is loaded; negative: already overdue
    title: str
    done: str = ""  # what was done, for an action its owner has since completed


@dataclass(frozen=True, slots=True)
class SelfAssessmentData:
    """One completed self-assessment: every question at `level` except those `levels` names."""

    completed_by: str
    as_of_days: int  # the day the answers describe, from the day the demo is loaded
    level: int
    levels: tuple[tuple[str, int], ...]
    evidence: tuple[tuple[str, str], ...]
    actions: tuple[GapAction, ...]  # one per gap (an answer below its target of 3)


# Last year's assessment, its actions since done, and this year's: governance and due diligence
# up, IT and data down, four gaps with owners on their desks, one of them overdue.
SELF_ASSESSMENTS: Final = (
    SelfAssessmentData(
        completed_by="oadeyemi",
        as_of_days=-395,
        level=3,
        levels=(
            ("gov-board-report", 1),
            ("gov-senior-owner", 2),
            ("dd-screening", 2),
            ("tc-training", 1),
            ("pa-tne", 2),
        ),
        evidence=(
            ("gov-senior-owner", "The PVC Research chairs the committee; not yet in her role."),
            ("dd-screening", "Partners screened by hand against the UK sanctions list only."),
        ),
        actions=(
            GapAction(
                "gov-board-report",
                "mthornbury",
                -200,
                "First annual report to Council",
                "Council received the first report on security-related risks.",
            ),
            GapAction(
                "gov-senior-owner",
                "mthornbury",
                -250,
                "Write research security into the PVC Research's role",
                "Role description amended by Council.",
            ),
            GapAction(
                "dd-screening",
                "hkowalczyk",
                -220,
                "Screen partners against every shipped list",
                "trustdesk screens every organisation and person on entry.",
            ),
            GapAction(
                "tc-training",
                "hkowalczyk",
                -180,
                "Trusted research module for higher-risk departments",
                "Module published in the guidance hub.",
            ),
            GapAction(
                "pa-tne",
                "dokonkwo",
                -150,
                "Add security review to TNE approvals",
                "Approval form now routes to the research security office.",
            ),
        ),
    ),
    SelfAssessmentData(
        completed_by="oadeyemi",
        as_of_days=-30,
        level=3,
        levels=(
            ("gov-senior-owner", 4),
            ("gov-board-report", 2),
            ("dd-screening", 4),
            ("dd-records", 4),
            ("it-cyber", 2),
            ("it-devices", 1),
            ("tc-training", 2),
            ("pa-tne", 3),
        ),
        evidence=(
            ("gov-senior-owner", "PVC Research, scheme of delegation 2026, section 4.2."),
            ("gov-board-report", "One report to Council so far; no fixed date in its cycle."),
            ("dd-screening", "Every organisation and person screened on entry; hits adjudicated."),
            ("it-cyber", "Sensitive research systems not yet separated from the campus network."),
            ("it-devices", "Advice given on request; no travel devices available."),
        ),
        actions=(
            GapAction(
                "gov-board-report",
                "mthornbury",
                120,
                "Put the security report in Council's July cycle",
            ),
            GapAction(
                "it-cyber",
                "mellis",
                -5,
                "Separate sensitive research systems from the campus network",
            ),
            GapAction("it-devices", "mellis", 60, "Lend prepared devices for higher-risk travel"),
            GapAction(
                "tc-training",
                "hkowalczyk",
                90,
                "Make the trusted research module required in higher-risk departments",
            ),
        ),
    ),
)
