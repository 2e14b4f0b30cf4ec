"""A labelled set for the similar-ideas check: pairs of ideas as different people would
write them. `SAME` pairs are one idea told twice (other words, other detail); `DIFFERENT`
pairs are distinct ideas, many from the same service and so sharing its vocabulary.
Each idea is (title, problem, proposal)."""

Idea = tuple[str, str, str]

SAME: list[tuple[Idea, Idea]] = [
    (
        (
            "Bin sensors",
            "Crews cannot see which communal bins are full, so they empty half-empty ones and miss overflowing ones.",
            "Fit fill-level sensors to communal bins and send crews only to the full ones.",
        ),
        (
            "Smart sensors in wheelie bins",
            "We waste fuel driving to bins that are nearly empty while others overflow.",
            "Put sensors in the bins that report how full they are so rounds visit the full bins first.",
        ),
    ),
    (
        (
            "Route planning app for collections",
            "Bin rounds are planned on paper and never change.",
            "An app that plans the day's collection route each morning.",
        ),
        (
            "Digital round planner",
            "Our collection routes are drawn by hand once a year.",
            "Software to plan collection routes daily from the missed-bin reports.",
        ),
    ),
    (
        (
            "Pothole reporting map",
            "Residents phone in potholes and we lose track of the reports.",
            "An online map where residents pin potholes and see when they will be fixed.",
        ),
        (
            "Report a pothole online",
            "Pothole reports come by phone and email and get lost.",
            "Let residents report potholes on a map and track the repair.",
        ),
    ),
    (
        (
            "No fines for children's library books",
            "Late fees stop families borrowing books.",
            "Stop charging late fees on children's books.",
        ),
        (
            "Fine-free kids' borrowing",
            "Parents avoid the library because of fines on late children's books.",
            "Remove overdue fines for children's books to bring families back.",
        ),
    ),
    (
        (
            "Road temperature sensors for gritting",
            "We grit every road whether it is icy or not.",
            "Sensors on roads measure temperature so we grit only when ice forms.",
        ),
        (
            "Smarter gritting",
            "Gritters go out on nights when the roads never freeze, wasting salt.",
            "Use road surface temperature sensors to decide which routes to grit.",
        ),
    ),
    (
        (
            "Chatbot for council tax questions",
            "The contact centre is swamped with the same council tax questions.",
            "A chatbot on the website answers common council tax questions.",
        ),
        (
            "Council tax virtual assistant",
            "Most calls about council tax ask the same few things.",
            "An online assistant that answers council tax queries any time of day.",
        ),
    ),
    (
        (
            "Electric pool cars",
            "Staff use their own petrol cars for site visits and claim mileage.",
            "Replace mileage claims with a pool of electric cars staff can book.",
        ),
        (
            "Bookable EV fleet for staff travel",
            "Mileage claims for private cars cost a lot and pollute.",
            "Buy electric vehicles staff book for visits instead of using their own cars.",
        ),
    ),
    (
        (
            "Refill stations in the town centre",
            "Plastic bottles fill the town centre bins.",
            "Install free water refill stations in the town centre.",
        ),
        (
            "Free drinking water fountains",
            "Visitors buy bottled water and the bottles end up as litter.",
            "Put drinking water fountains in the high street so people refill bottles.",
        ),
    ),
    (
        (
            "Text reminders for bin day",
            "People forget which bin goes out this week.",
            "Send a text message the night before collection saying which bin.",
        ),
        (
            "Bin day SMS alerts",
            "Residents put the wrong bin out and it is not collected.",
            "An SMS reminder the evening before bin day naming the right bin.",
        ),
    ),
    (
        (
            "Solar panels on the depot roof",
            "The depot's electricity bill keeps rising.",
            "Fit solar panels to the depot roof to cut energy costs.",
        ),
        (
            "Depot solar power",
            "Energy costs at the vehicle depot are high.",
            "Put photovoltaic panels on the depot to generate our own electricity.",
        ),
    ),
    (
        (
            "Online booking for the tip",
            "Queues at the recycling centre block the road at weekends.",
            "Let residents book a slot at the recycling centre online.",
        ),
        (
            "Recycling centre appointment slots",
            "Weekend traffic queues outside the household waste site.",
            "Introduce bookable time slots for the household recycling centre.",
        ),
    ),
    (
        (
            "Befriending calls for isolated older people",
            "Many older residents go days without talking to anyone.",
            "Volunteers make regular phone calls to isolated older residents.",
        ),
        (
            "Telephone friendship service",
            "Loneliness among elderly people living alone is rising.",
            "A volunteer phone befriending scheme for older people living alone.",
        ),
    ),
    (
        (
            "Tool library",
            "Residents buy tools they use once.",
            "A library where residents borrow tools instead of buying them.",
        ),
        (
            "Borrow don't buy: a lending library for tools",
            "People buy drills and ladders they rarely use.",
            "Set up a tool lending library in the community centre.",
        ),
    ),
    (
        (
            "Graffiti reporting app",
            "Graffiti stays up for weeks because nobody reports it.",
            "An app for residents to photograph and report graffiti for removal.",
        ),
        (
            "Snap and report graffiti",
            "We only hear about graffiti weeks later.",
            "Residents send a photo of graffiti through their phone and we remove it.",
        ),
    ),
    (
        (
            "Food waste caddies for flats",
            "Flats have no food waste collection so it goes to landfill.",
            "Give flats food waste caddies and communal food waste bins.",
        ),
        (
            "Food recycling in blocks of flats",
            "Residents in flats cannot recycle food waste.",
            "Provide kitchen caddies and shared food waste bins for flats.",
        ),
    ),
    (
        (
            "Digital timesheets for care workers",
            "Home care workers fill in paper timesheets that are slow to process.",
            "A phone app for care workers to record visits and times.",
        ),
        (
            "Care visit logging app",
            "Paper records of home care visits are late and often wrong.",
            "Carers log each visit on a mobile app instead of paper sheets.",
        ),
    ),
    (
        (
            "Planting trees on verges",
            "Our streets are hot and bare in summer.",
            "Plant street trees on wide grass verges.",
        ),
        (
            "Street trees for shade",
            "Some streets have no trees and get very hot.",
            "A programme to plant trees along verges on the hottest streets.",
        ),
    ),
    (
        (
            "Parking sensors for disabled bays",
            "Blue badge holders circle looking for a free bay.",
            "Sensors show which disabled parking bays are free on an app.",
        ),
        (
            "Find a free blue badge space",
            "Disabled drivers cannot tell which accessible bays are free.",
            "Put occupancy sensors in disabled bays and show them on a map.",
        ),
    ),
    (
        (
            "Paperless committee meetings",
            "We print hundreds of pages for every committee meeting.",
            "Give councillors tablets and publish committee papers digitally.",
        ),
        (
            "Tablets instead of printed agendas",
            "Printing agenda packs for councillors costs thousands.",
            "Councillors read meeting papers on tablets rather than printed packs.",
        ),
    ),
    (
        (
            "Community fridge",
            "Supermarkets throw away edible food while families go hungry.",
            "A community fridge where shops and residents share surplus food.",
        ),
        (
            "Share surplus food",
            "Good food is wasted while people struggle to eat.",
            "Set up a shared fridge so surplus food from shops reaches people who need it.",
        ),
    ),
    (
        (
            "LED street lights",
            "Old street lights use a lot of electricity.",
            "Replace street lights with LED lamps.",
        ),
        (
            "Switch street lighting to LED",
            "Our street lighting energy bill is huge.",
            "Convert the remaining sodium street lamps to LEDs to save energy.",
        ),
    ),
    (
        (
            "Apprenticeships for care leavers",
            "Young people leaving care struggle to find work.",
            "Ring-fence council apprenticeships for care leavers.",
        ),
        (
            "Jobs for young people leaving care",
            "Care leavers are far more likely to be unemployed.",
            "Guarantee care leavers an interview for council apprenticeship places.",
        ),
    ),
    (
        (
            "Reusable nappies voucher",
            "Disposable nappies are a big share of household waste.",
            "Give new parents vouchers for reusable nappies.",
        ),
        (
            "Cloth nappy incentive",
            "Parents throw away thousands of disposable nappies.",
            "Offer parents a voucher towards cloth nappies to cut waste.",
        ),
    ),
    (
        (
            "Fix my street dashboard",
            "Residents don't know if their reported problem is being fixed.",
            "A dashboard showing the status of every street issue reported.",
        ),
        (
            "Track your report",
            "People report street problems and never hear back.",
            "Let residents follow the progress of the issues they reported online.",
        ),
    ),
]

DIFFERENT: list[tuple[Idea, Idea]] = [
    (
        (
            "Bin sensors",
            "Crews cannot see which communal bins are full.",
            "Fit fill-level sensors to communal bins.",
        ),
        (
            "Road temperature sensors for gritting",
            "We grit every road whether it is icy or not.",
            "Sensors on roads measure temperature so we grit only when ice forms.",
        ),
    ),
    (
        (
            "Route planning app for collections",
            "Bin rounds are planned on paper.",
            "An app that plans the collection route each morning.",
        ),
        (
            "Text reminders for bin day",
            "People forget which bin goes out this week.",
            "Send a text message the night before collection saying which bin.",
        ),
    ),
    (
        (
            "Pothole reporting map",
            "Residents phone in potholes.",
            "An online map where residents pin potholes.",
        ),
        (
            "Graffiti reporting app",
            "Graffiti stays up for weeks.",
            "An app for residents to photograph and report graffiti.",
        ),
    ),
    (
        (
            "No fines for children's library books",
            "Late fees stop families borrowing.",
            "Stop charging late fees on children's books.",
        ),
        (
            "Tool library",
            "Residents buy tools they use once.",
            "A library where residents borrow tools instead of buying them.",
        ),
    ),
    (
        (
            "Chatbot for council tax questions",
            "The contact centre is swamped with council tax questions.",
            "A chatbot answers common council tax questions.",
        ),
        (
            "Council tax discount for carers",
            "Unpaid carers struggle with council tax bills.",
            "A council tax reduction for residents who are unpaid carers.",
        ),
    ),
    (
        (
            "Electric pool cars",
            "Staff use their own petrol cars for visits.",
            "A pool of electric cars staff can book.",
        ),
        (
            "Electric vehicle charging for residents",
            "Residents without driveways cannot charge electric cars.",
            "Install on-street chargers in lamp posts.",
        ),
    ),
    (
        (
            "Refill stations in the town centre",
            "Plastic bottles fill the town centre bins.",
            "Install free water refill stations.",
        ),
        (
            "Town centre markets",
            "The town centre is empty on weekday evenings.",
            "Run an evening street food market in the town centre.",
        ),
    ),
    (
        (
            "Solar panels on the depot roof",
            "The depot's electricity bill keeps rising.",
            "Fit solar panels to the depot roof.",
        ),
        (
            "Depot vehicle tracking",
            "We don't know where our vans are during the day.",
            "Fit GPS trackers to depot vehicles.",
        ),
    ),
    (
        (
            "Online booking for the tip",
            "Queues at the recycling centre at weekends.",
            "Let residents book a slot at the recycling centre online.",
        ),
        (
            "Recycling education in schools",
            "Children don't know what can be recycled.",
            "Waste officers visit schools to teach recycling.",
        ),
    ),
    (
        (
            "Befriending calls for isolated older people",
            "Older residents go days without talking to anyone.",
            "Volunteers call isolated older residents.",
        ),
        (
            "Falls prevention classes",
            "Older people are admitted to hospital after falls at home.",
            "Free strength and balance classes for older people.",
        ),
    ),
    (
        (
            "Food waste caddies for flats",
            "Flats have no food waste collection.",
            "Give flats food waste caddies.",
        ),
        (
            "Community fridge",
            "Supermarkets throw away edible food.",
            "A community fridge where shops share surplus food.",
        ),
    ),
    (
        (
            "Digital timesheets for care workers",
            "Care workers fill in paper timesheets.",
            "A phone app for care workers to record visits.",
        ),
        (
            "Care worker recruitment campaign",
            "We cannot recruit enough home care workers.",
            "A recruitment drive with better pay for care workers.",
        ),
    ),
    (
        (
            "Planting trees on verges",
            "Streets are hot and bare.",
            "Plant street trees on grass verges.",
        ),
        (
            "Wildflower verges",
            "Mowing verges costs money and kills insects.",
            "Stop mowing some verges and sow wildflowers.",
        ),
    ),
    (
        (
            "Parking sensors for disabled bays",
            "Blue badge holders circle for a free bay.",
            "Sensors show which disabled bays are free.",
        ),
        (
            "Blue badge fraud checks",
            "Stolen blue badges are used to park for free.",
            "Wardens scan blue badges to catch misuse.",
        ),
    ),
    (
        (
            "Paperless committee meetings",
            "We print hundreds of pages per meeting.",
            "Give councillors tablets.",
        ),
        (
            "Webcast committee meetings",
            "Residents cannot attend meetings in person.",
            "Stream committee meetings live online.",
        ),
    ),
    (
        (
            "LED street lights",
            "Old street lights use a lot of electricity.",
            "Replace street lights with LED lamps.",
        ),
        (
            "Part-night street lighting",
            "Lights burn all night on empty roads.",
            "Switch off some street lights between midnight and 5am.",
        ),
    ),
    (
        (
            "Apprenticeships for care leavers",
            "Care leavers struggle to find work.",
            "Council apprenticeships for care leavers.",
        ),
        (
            "Housing for care leavers",
            "Care leavers become homeless at 18.",
            "Supported flats for young people leaving care.",
        ),
    ),
    (
        (
            "Reusable nappies voucher",
            "Disposable nappies fill household waste.",
            "Vouchers for reusable nappies.",
        ),
        (
            "Baby changing in libraries",
            "Parents have nowhere to change babies in town.",
            "Add baby changing facilities to libraries.",
        ),
    ),
    (
        (
            "Fix my street dashboard",
            "Residents don't know if their report is being fixed.",
            "A dashboard of every street issue reported.",
        ),
        (
            "Pothole repair crew on call",
            "Dangerous potholes wait weeks for a repair.",
            "A rapid response crew repairs dangerous potholes within a day.",
        ),
    ),
    (
        (
            "Bin day SMS alerts",
            "Residents put the wrong bin out.",
            "An SMS reminder before bin day.",
        ),
        (
            "SMS appointment reminders for housing repairs",
            "Tenants miss repair appointments.",
            "Text tenants the day before a repair visit.",
        ),
    ),
    (
        (
            "Smart sensors in wheelie bins",
            "We drive to bins that are nearly empty.",
            "Sensors in the bins report how full they are.",
        ),
        (
            "Bigger bins for large families",
            "Large households overflow their bins.",
            "Offer larger wheelie bins to families of six or more.",
        ),
    ),
    (
        (
            "Tablets instead of printed agendas",
            "Printing agenda packs costs thousands.",
            "Councillors read papers on tablets.",
        ),
        (
            "Tablets for care home residents",
            "Care home residents cannot video call family.",
            "Give care homes tablets for video calls.",
        ),
    ),
    (
        (
            "Telephone friendship service",
            "Loneliness among elderly people is rising.",
            "A volunteer phone befriending scheme.",
        ),
        (
            "Telephone payments line",
            "Residents cannot pay bills online.",
            "An automated telephone line for paying council bills.",
        ),
    ),
    (
        (
            "Street trees for shade",
            "Some streets get very hot.",
            "Plant trees along the hottest streets.",
        ),
        (
            "Shade sails in playgrounds",
            "Children get sunburnt in playgrounds.",
            "Put shade sails over playground equipment.",
        ),
    ),
]
