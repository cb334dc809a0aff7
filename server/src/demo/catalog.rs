//! The demo catalog, written by us in Arabic and English: stores, their products and
//! variants, shoppers, post lines and drops. Plain data; `demo::load_into_empty` turns
//! it into rows.

use super::art::Motif;

pub struct StoreSpec {
    pub handle: &'static str,
    pub name: &'static str,
    pub owner_name: &'static str,
    pub about: &'static str,
    pub currency: &'static str,
    pub website: Option<&'static str>,
    pub nonprofit: bool,
    pub motif: Motif,
    /// Hue of the store's artwork, in degrees.
    pub hue: u16,
    pub category: &'static str,
    pub products: &'static [ProductSpec],
    /// Lines the store posts; `{product}` is replaced by an attached product's title.
    pub posts: &'static [&'static str],
}

pub struct ProductSpec {
    pub title: &'static str,
    pub description: &'static str,
    /// Variant names and price in minor units; stock is derived from the position.
    pub variants: &'static [(&'static str, i64)],
}

pub const DEMO_PASSWORD: &str = "souq-demo";
pub const EMAIL_DOMAIN: &str = "demo.souq.example";

pub const STORES: &[StoreSpec] = &[
    StoreSpec {
        handle: "dar_al_oud",
        name: "دار العود",
        owner_name: "Faisal Al-Harbi",
        about: "عطور شرقية ودهن عود معتّق منذ ١٩٨٦. Oriental perfumes and aged oud oil since 1986.",
        currency: "SAR",
        website: Some("https://dar-al-oud.example"),
        nonprofit: false,
        motif: Motif::Bottle,
        hue: 28,
        category: "perfume",
        products: &[
            ProductSpec {
                title: "دهن عود كمبودي",
                description: "دهن عود معتّق لمدة عشر سنوات، ثابت وفوّاح.",
                variants: &[("٣ مل", 45000), ("٦ مل", 85000), ("١٢ مل", 160000)],
            },
            ProductSpec {
                title: "Oud Royale Eau de Parfum",
                description: "Smoky oud, saffron and rose. Limited drop.",
                variants: &[("50 ml", 62000), ("100 ml", 98000)],
            },
            ProductSpec {
                title: "مسك الطهارة",
                description: "مسك أبيض ناعم للاستعمال اليومي.",
                variants: &[("١٠ مل", 4500), ("٣٠ مل", 11000)],
            },
            ProductSpec {
                title: "Amber Nights",
                description: "Warm amber with vanilla and labdanum.",
                variants: &[("50 ml", 39000), ("100 ml", 59000)],
            },
            ProductSpec {
                title: "بخور معمول",
                description: "بخور فاخر بخلطة البيت، علبة خشبية.",
                variants: &[("٥٠ غ", 12000), ("١٠٠ غ", 21000)],
            },
            ProductSpec {
                title: "Rose Taifi Attar",
                description: "Pure Taif rose attar, distilled in season.",
                variants: &[("3 ml", 27000), ("6 ml", 50000)],
            },
            ProductSpec {
                title: "مبخرة نحاسية",
                description: "مبخرة يدوية من النحاس المطروق.",
                variants: &[("صغيرة", 15000), ("كبيرة", 26000)],
            },
            ProductSpec {
                title: "Discovery Set",
                description: "Six 2 ml samples of our best sellers.",
                variants: &[("6 × 2 ml", 14900)],
            },
        ],
        posts: &[
            "وصل الآن {product} — الكمية محدودة. #عود #عطور",
            "Our {product} is back in stock. #oud #perfume",
            "سر الثبات: ضع {product} على نقاط النبض. #نصائح_العطور",
            "Weekend ritual: {product} and a cup of qahwa. #oud #weekend",
        ],
    },
    StoreSpec {
        handle: "nakhla_dates",
        name: "نخلة للتمور",
        owner_name: "Huda Al-Qassim",
        about: "تمور القصيم والمدينة من المزرعة إلى بابك. Dates from the farm to your door.",
        currency: "SAR",
        website: None,
        nonprofit: false,
        motif: Motif::Date,
        hue: 20,
        category: "food",
        products: &[
            ProductSpec {
                title: "تمر سكري فاخر",
                description: "سكري مفتل من القصيم، موسم هذا العام.",
                variants: &[("٥٠٠ غ", 3500), ("١ كغ", 6500), ("٣ كغ", 18000)],
            },
            ProductSpec {
                title: "Ajwa Al Madinah",
                description: "Soft Ajwa dates from Al Madinah.",
                variants: &[("500 g", 7500), ("1 kg", 14000)],
            },
            ProductSpec {
                title: "تمر مجدول محشي",
                description: "مجدول محشي باللوز والفستق.",
                variants: &[("علبة ١٢", 9000), ("علبة ٢٤", 17000)],
            },
            ProductSpec {
                title: "Date Syrup (Dibs)",
                description: "Cold-pressed, nothing added.",
                variants: &[("350 g", 2800), ("700 g", 4900)],
            },
            ProductSpec {
                title: "معمول التمر",
                description: "معمول بالسمن البلدي وعجينة التمر.",
                variants: &[("٢٠ حبة", 6000)],
            },
            ProductSpec {
                title: "Khalas Gift Box",
                description: "Khalas dates in a hand-made palm box.",
                variants: &[("Small", 8500), ("Large", 15500)],
            },
            ProductSpec {
                title: "دبس بالسمسم",
                description: "دبس التمر مع طحينة السمسم.",
                variants: &[("٤٠٠ غ", 3200)],
            },
            ProductSpec {
                title: "Date Energy Bites",
                description: "Dates, oats and cocoa. No sugar added.",
                variants: &[("Box of 10", 3900), ("Box of 30", 10500)],
            },
        ],
        posts: &[
            "موسم السكري بدأ! جرّبوا {product} #تمور #القصيم",
            "Ramadan table ready with {product}. #dates #ramadan",
            "هدية الضيافة: {product} #ضيافة #تمور",
        ],
    },
    StoreSpec {
        handle: "sadu_threads",
        name: "Sadu Threads",
        owner_name: "Mariam Al-Sabah",
        about: "Hand-woven Sadu textiles by Bedouin artisans. نسيج السدو اليدوي.",
        currency: "KWD",
        website: Some("https://sadu-threads.example"),
        nonprofit: false,
        motif: Motif::Weave,
        hue: 350,
        category: "home",
        products: &[
            ProductSpec {
                title: "Sadu Cushion Cover",
                description: "Wool, hand-woven on a ground loom.",
                variants: &[("40 × 40 cm", 18500), ("50 × 50 cm", 23500)],
            },
            ProductSpec {
                title: "سجادة سدو",
                description: "سجادة صوف منسوجة يدويًا بألوان طبيعية.",
                variants: &[("١٢٠ × ٨٠", 95000), ("٢٠٠ × ١٤٠", 210000)],
            },
            ProductSpec {
                title: "Sadu Tote Bag",
                description: "Canvas tote with a Sadu panel.",
                variants: &[("Red", 12500), ("Indigo", 12500)],
            },
            ProductSpec {
                title: "حزام سدو",
                description: "حزام جلد طبيعي بشريط سدو.",
                variants: &[("S", 9500), ("M", 9500), ("L", 9500)],
            },
            ProductSpec {
                title: "Table Runner",
                description: "A long Sadu runner for gatherings.",
                variants: &[("150 cm", 27500)],
            },
            ProductSpec {
                title: "ميدالية سدو",
                description: "ميدالية مفاتيح صغيرة بنقشة السدو.",
                variants: &[("قطعة", 2500)],
            },
            ProductSpec {
                title: "Wall Hanging",
                description: "Framed Sadu weave, ready to hang.",
                variants: &[("Small", 45000), ("Large", 78000)],
            },
            ProductSpec {
                title: "Weaving Kit",
                description: "Learn Sadu at home: loom, wool and guide.",
                variants: &[("Starter", 32000)],
            },
        ],
        posts: &[
            "Every {product} takes days on the loom. #sadu #handmade",
            "نسيج يحكي قصة الصحراء: {product} #سدو #صناعة_يدوية",
            "New colours for {product}. #sadu #homedecor",
        ],
    },
    StoreSpec {
        handle: "qahwa_house",
        name: "بيت القهوة",
        owner_name: "Abdullah Al-Yami",
        about: "محمصة مختصة: قهوة سعودية ومختصة. Specialty roastery, Saudi and single-origin coffee.",
        currency: "SAR",
        website: Some("https://qahwa-house.example"),
        nonprofit: false,
        motif: Motif::Cup,
        hue: 18,
        category: "coffee",
        products: &[
            ProductSpec {
                title: "قهوة سعودية بالهيل",
                description: "خولاني شقراء مع هيل وزعفران.",
                variants: &[("٢٥٠ غ", 4500), ("٥٠٠ غ", 8500)],
            },
            ProductSpec {
                title: "Haraz Micro-lot",
                description: "Yemeni Haraz, natural process. Very limited.",
                variants: &[("250 g", 14000)],
            },
            ProductSpec {
                title: "Ethiopia Guji",
                description: "Floral, bergamot, honey.",
                variants: &[("250 g", 6800), ("1 kg", 24000)],
            },
            ProductSpec {
                title: "دلة نحاس",
                description: "دلة تقليدية من النحاس.",
                variants: &[("صغيرة", 18000), ("كبيرة", 25000)],
            },
            ProductSpec {
                title: "Pour-over Set",
                description: "Dripper, server and 100 filters.",
                variants: &[("Glass", 21000), ("Ceramic", 26000)],
            },
            ProductSpec {
                title: "فناجين خزف",
                description: "طقم ستة فناجين مزخرفة.",
                variants: &[("طقم ٦", 9500)],
            },
            ProductSpec {
                title: "Cold Brew Bottles",
                description: "Ready to drink, 72-hour brew.",
                variants: &[("6 pack", 7200)],
            },
            ProductSpec {
                title: "قهوة خولاني",
                description: "بن خولاني محمص تحميصًا فاتحًا.",
                variants: &[("٢٥٠ غ", 5200), ("٥٠٠ غ", 9800)],
            },
        ],
        posts: &[
            "تحميص اليوم: {product} ☕ #قهوة #قهوة_مختصة",
            "Brew guide for {product}: 15 g, 250 ml, 93°C. #coffee #specialtycoffee",
            "الضيافة السعودية تبدأ بـ {product} #قهوة_سعودية",
        ],
    },
    StoreSpec {
        handle: "layali_abaya",
        name: "ليالي للعبايات",
        owner_name: "Noura Al-Mansouri",
        about: "عبايات عصرية بخامات فاخرة. Modern abayas in fine fabrics.",
        currency: "AED",
        website: Some("https://layali.example"),
        nonprofit: false,
        motif: Motif::Dress,
        hue: 270,
        category: "fashion",
        products: &[
            ProductSpec {
                title: "عباية كريب سوداء",
                description: "كريب ياباني بقصة واسعة.",
                variants: &[("S", 45000), ("M", 45000), ("L", 45000), ("XL", 47000)],
            },
            ProductSpec {
                title: "Eid Capsule Abaya",
                description: "Hand-embroidered sleeves. Limited drop.",
                variants: &[("S", 89000), ("M", 89000), ("L", 89000)],
            },
            ProductSpec {
                title: "عباية كتان",
                description: "كتان خفيف للصيف بلون رملي.",
                variants: &[("M", 39000), ("L", 39000)],
            },
            ProductSpec {
                title: "Silk Shayla",
                description: "Pure silk shayla in six colours.",
                variants: &[("Black", 15000), ("Navy", 15000), ("Sand", 15000)],
            },
            ProductSpec {
                title: "عباية مطرزة",
                description: "تطريز يدوي على الأكمام والحواف.",
                variants: &[("M", 72000), ("L", 72000)],
            },
            ProductSpec {
                title: "Kimono Abaya",
                description: "Open front, belted, in sage.",
                variants: &[("One size", 52000)],
            },
            ProductSpec {
                title: "طرحة شيفون",
                description: "شيفون ناعم لا يحتاج كيًا.",
                variants: &[("أسود", 6500), ("بيج", 6500)],
            },
            ProductSpec {
                title: "Travel Abaya",
                description: "Wrinkle-free, with hidden pockets.",
                variants: &[("S", 41000), ("M", 41000), ("L", 41000)],
            },
        ],
        posts: &[
            "إطلالة العيد مع {product} #عبايات #موضة",
            "Just dropped: {product}. #abaya #modestfashion",
            "تفاصيل تصنع الفرق في {product} #تطريز #عبايات",
        ],
    },
    StoreSpec {
        handle: "tech_bazaar",
        name: "Tech Bazaar",
        owner_name: "Karim Nasser",
        about: "Gadgets, accessories and smart home. أجهزة وإكسسوارات ذكية.",
        currency: "USD",
        website: Some("https://tech-bazaar.example"),
        nonprofit: false,
        motif: Motif::Device,
        hue: 205,
        category: "electronics",
        products: &[
            ProductSpec {
                title: "Wireless Earbuds Pro",
                description: "Active noise cancelling, 30 h battery.",
                variants: &[("Black", 12900), ("White", 12900)],
            },
            ProductSpec {
                title: "سماعة ذكية",
                description: "مساعد صوتي يفهم العربية.",
                variants: &[("رمادي", 7900), ("أسود", 7900)],
            },
            ProductSpec {
                title: "65 W GaN Charger",
                description: "Three ports, pocket size.",
                variants: &[("EU plug", 4900), ("UK plug", 4900)],
            },
            ProductSpec {
                title: "Mechanical Keyboard AR/EN",
                description: "Arabic and English keycaps, hot-swap switches.",
                variants: &[("Brown switches", 11900), ("Red switches", 11900)],
            },
            ProductSpec {
                title: "ساعة رياضية",
                description: "تتبع النوم والنبض ومواقيت الصلاة.",
                variants: &[("٤١ مم", 19900), ("٤٥ مم", 21900)],
            },
            ProductSpec {
                title: "Phone Gimbal",
                description: "Three-axis stabiliser for live shopping streams.",
                variants: &[("Standard", 8900)],
            },
            ProductSpec {
                title: "Smart Plug (4 pack)",
                description: "Schedules and energy reports.",
                variants: &[("4 pack", 3900)],
            },
            ProductSpec {
                title: "Drop: Retro Handheld",
                description: "A handheld console with 400 classics. Limited drop.",
                variants: &[("Sand", 15900), ("Teal", 15900)],
            },
        ],
        posts: &[
            "Unboxing the {product} live tonight. #tech #gadgets",
            "عرض نهاية الأسبوع على {product} #تقنية",
            "Setup tip: pair {product} in under a minute. #tech #smarthome",
        ],
    },
    StoreSpec {
        handle: "green_oasis",
        name: "واحة خضراء",
        owner_name: "Salem Al-Ali",
        about: "نباتات داخلية وأصص فخارية لبيتك. Houseplants and clay pots.",
        currency: "SAR",
        website: None,
        nonprofit: false,
        motif: Motif::Leaf,
        hue: 120,
        category: "home",
        products: &[
            ProductSpec {
                title: "نبتة المونستيرا",
                description: "مونستيرا ديليسيوسا بطول ٦٠ سم.",
                variants: &[("أصيص ١٧ سم", 9500), ("أصيص ٢٤ سم", 16500)],
            },
            ProductSpec {
                title: "Snake Plant",
                description: "Hard to kill, cleans the air.",
                variants: &[("Small", 5500), ("Medium", 8900)],
            },
            ProductSpec {
                title: "أصيص فخار",
                description: "فخار يدوي من الأحساء.",
                variants: &[("صغير", 3500), ("وسط", 5500), ("كبير", 8500)],
            },
            ProductSpec {
                title: "Olive Tree",
                description: "A young olive tree for balconies.",
                variants: &[("80 cm", 24000)],
            },
            ProductSpec {
                title: "سماد عضوي",
                description: "سماد طبيعي للنباتات الداخلية.",
                variants: &[("١ كغ", 2500)],
            },
            ProductSpec {
                title: "Herb Garden Kit",
                description: "Mint, basil and parsley with pots.",
                variants: &[("Kit", 7900)],
            },
            ProductSpec {
                title: "نبتة الصبار",
                description: "تشكيلة صبار صغيرة في صندوق.",
                variants: &[("٣ نبتات", 4500), ("٦ نبتات", 8000)],
            },
            ProductSpec {
                title: "Watering Can",
                description: "Brass spout, 1.5 litres.",
                variants: &[("Brass", 6900), ("Black", 6900)],
            },
        ],
        posts: &[
            "زاوية خضراء في بيتك مع {product} #نباتات #ديكور",
            "Plant care Sunday: {product} likes bright, indirect light. #plants",
            "وصلتنا دفعة جديدة من {product} #نباتات_داخلية",
        ],
    },
    StoreSpec {
        handle: "hope_bridge",
        name: "جسر الأمل",
        owner_name: "Hope Bridge Foundation",
        about: "جمعية خيرية تدعم تعليم الأطفال. A nonprofit supporting children's education.",
        currency: "SAR",
        website: Some("https://hope-bridge.example"),
        nonprofit: true,
        motif: Motif::Heart,
        hue: 0,
        category: "charity",
        products: &[
            ProductSpec {
                title: "حقيبة مدرسية لطفل",
                description: "تكفي لتجهيز طفل بكامل أدواته للعام الدراسي.",
                variants: &[("حقيبة واحدة", 15000), ("خمس حقائب", 70000)],
            },
            ProductSpec {
                title: "Sponsor a Library Shelf",
                description: "Fifty books for a village school library.",
                variants: &[("One shelf", 50000)],
            },
            ProductSpec {
                title: "Hope Bridge Mug",
                description: "Every mug funds a week of school meals.",
                variants: &[("White", 4500)],
            },
            ProductSpec {
                title: "وجبة مدرسية لشهر",
                description: "وجبة يومية لطفل لمدة شهر.",
                variants: &[("شهر", 9000)],
            },
        ],
        posts: &[
            "بمساهمتكم جهّزنا ٣٠٠ طفل هذا الشهر. شاركونا عبر {product} #تبرع #تعليم",
            "Your {product} keeps a classroom going. #donate #education",
        ],
    },
];

/// Shoppers, in Arabic and Latin script.
pub const SHOPPERS: &[(&str, &str)] = &[
    ("layla", "ليلى حسن"),
    ("omar", "Omar Farouk"),
    ("noura", "نورة القحطاني"),
    ("yusuf", "Yusuf Rahman"),
    ("sara", "سارة العتيبي"),
    ("khalid", "Khalid Al-Amri"),
    ("mariam_k", "مريم خليل"),
    ("ahmed", "Ahmed Saleh"),
    ("fatima", "فاطمة الزهراني"),
    ("hamza", "Hamza Idris"),
    ("aisha", "عائشة المطيري"),
    ("tariq", "Tariq Mansour"),
    ("huda_s", "هدى سعيد"),
    ("karim_b", "Karim Benali"),
    ("dana", "دانة الشمري"),
    ("ziad", "Ziad Haddad"),
    ("rania", "رانيا يوسف"),
    ("samir", "Samir Aziz"),
    ("lina", "لينا العمر"),
    ("adam", "Adam Clarke"),
];

/// What shoppers post; `{product}` is a product they attach, `{store}` its store handle.
pub const SHOPPER_LINES: &[&str] = &[
    "وصلني {product} من @{store} اليوم، التغليف رائع #تسوق",
    "Can't stop using my {product} from @{store} #haul",
    "أنصح بـ {product} من @{store} بشدة 👌 #توصيات",
    "Gift idea: {product} by @{store} #gifts",
    "جربت {product} ويستاهل كل ريال #تجربتي",
    "Second order of {product} this month. @{store} never misses. #shopping",
    "مين جرّب {product}؟ أبغى رأيكم #سؤال",
    "The {product} arrived in two days. Impressed! #souq",
];

/// Drops, by store handle and product title, with minutes from the first start.
pub struct DropSpec {
    pub store: &'static str,
    pub product: &'static str,
    pub title: &'static str,
    pub hashtag: &'static str,
    pub minutes_from_start: i64,
    pub sold_out: bool,
}

pub const DROPS: &[DropSpec] = &[
    DropSpec {
        store: "dar_al_oud",
        product: "Oud Royale Eau de Parfum",
        title: "Oud Royale — limited edition",
        hashtag: "OudRoyale",
        minutes_from_start: -30,
        sold_out: false,
    },
    DropSpec {
        store: "layali_abaya",
        product: "Eid Capsule Abaya",
        title: "كبسولة العيد",
        hashtag: "كبسولة_العيد",
        minutes_from_start: -120,
        sold_out: true,
    },
    DropSpec {
        store: "qahwa_house",
        product: "Haraz Micro-lot",
        title: "Haraz micro-lot, 40 bags only",
        hashtag: "HarazDrop",
        minutes_from_start: 16,
        sold_out: false,
    },
    DropSpec {
        store: "tech_bazaar",
        product: "Drop: Retro Handheld",
        title: "Retro Handheld launch",
        hashtag: "RetroHandheld",
        minutes_from_start: 24 * 60,
        sold_out: false,
    },
    DropSpec {
        store: "sadu_threads",
        product: "Wall Hanging",
        title: "Sadu wall art, signed series",
        hashtag: "SaduArt",
        minutes_from_start: 3 * 24 * 60,
        sold_out: false,
    },
];
