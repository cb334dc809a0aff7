//! The shop's search over 1,000,000 products: typed prefixes, typos, whole words.

/// Products in the shop part (`SOUQ_BENCH_PRODUCTS` changes it).
pub(super) const PRODUCTS: u32 = 1_000_000;
pub(super) const STORES: u32 = 1_000;
pub(super) const SEARCH_CONNECTIONS: u32 = 16;

/// What a shopper has typed so far: the last word unfinished.
pub(super) const TYPED_PREFIXES: &[&str] = &[
    "leat",
    "cand",
    "handmade ce",
    "silk sc",
    "copper",
    "wool bl",
    "حقي",
    "شمع",
    "عطر ور",
    "قهوة عر",
    "نحا",
    "سجاد",
    "ceramic m",
    "بخو",
    "linen",
    "ساع",
];

/// Words with typos, finished or still being typed: one typo from five letters, two
/// from nine, in both languages.
pub(super) const WITH_TYPOS: &[&str] = &[
    "lether bag ",
    "scnted candle ",
    "copper teapto ",
    "vintge lamp ",
    "ceramik bowl ",
    "braclet ",
    "notebok ",
    "jasmin perfum ",
    "مزهريت خزفية ",
    "محفضة جلد ",
    "بطانيت صوف ",
    "كهرمن ",
    "lethr ba",
    "scented cnadl",
    "محفضة جل",
    "velvat cush",
];

/// Finished queries: every word whole, some in another spelling than the catalogue's.
pub(super) const WHOLE_WORDS: &[&str] = &[
    "leather bags ",
    "scented candle ",
    "copper teapot ",
    "wool blanket ",
    "silver ring ",
    "حقيبة جلد ",
    "حقيبه جلد ",
    "شمعة معطرة ",
    "إبريق نحاس ",
    "ابريق نحاس ",
    "عطر الورد ",
    "قهوه عربيه ",
    "ceramic mugs ",
    "سجادة صوف ",
    "linen shirts ",
    "ساعة فضة ",
];

pub(super) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) fn search_path(query: &str) -> String {
    format!("/v1/shop/search?q={}", urlencode(query))
}

/// A wrk script that cycles through `paths` (the URL's own path when one is empty),
/// each request signed by the next viewer.
pub(super) fn paths_lua(tokens: &[String], paths: &[String]) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "local tokens = {{{}}}\nlocal paths = {{{}}}\nlocal n = 0\nrequest = function()\n  \
         n = n + 1\n  local path = paths[(n % #paths) + 1]\n  if path == \"\" then path = nil end\n  \
         return wrk.format(nil, path, {{Authorization = \"Bearer \" .. tokens[(n % #tokens) + 1]}})\nend\n",
        list(tokens),
        list(paths)
    )
}

/// The catalogue, made inside PostgreSQL from word lists: English titles like
/// "Handmade leather bag", Arabic ones like "حقيبة جلد مصنوعة يدوياً".
pub(super) fn generate_shop_sql(products: u32) -> String {
    format!(
        "
\\set ON_ERROR_STOP 1
BEGIN;
INSERT INTO stores (owner_id, handle, name, about, created_at)
SELECT u.id, u.handle, 'Bench store ' || m.n, 'A bench store', 0
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE role = 'merchant') m
JOIN users u ON u.id = m.id
WHERE m.n <= {STORES};

CREATE TEMP TABLE bench_stores AS
SELECT id, row_number() OVER (ORDER BY id) AS n FROM stores;

INSERT INTO products (store_id, title, description, category, currency, created_at,
                      published_at, price_minor, in_stock)
SELECT s.id,
  CASE WHEN g % 2 = 0 THEN
    (ARRAY['Handmade','Scented','Vintage','Classic','Modern','Silk','Wool','Ceramic',
           'Copper','Linen','Silver','Golden','Rustic','Soft','Bold'])[1 + g % 15] || ' ' ||
    (ARRAY['leather','cedar','rose','oud','cotton','marble','brass','walnut','amber',
           'jasmine','velvet','bamboo'])[1 + (g / 15) % 12] || ' ' ||
    (ARRAY['bag','candle','teapot','blanket','ring','mug','shirt','scarf','lamp','vase',
           'bowl','watch','rug','soap','notebook','wallet','perfume','tray','cushion',
           'bracelet'])[1 + (g / 180) % 20]
  ELSE
    (ARRAY['حقيبة','شمعة','إبريق','بطانية','خاتم','كوب','قميص','وشاح','مصباح','مزهرية',
           'وعاء','ساعة','سجادة','صابون','دفتر','محفظة','عطر','صينية','وسادة','سوار'])[1 + (g / 180) % 20] || ' ' ||
    (ARRAY['جلد','أرز','الورد','عود','قطن','رخام','نحاس','جوز','كهرمان','ياسمين',
           'مخمل','خيزران'])[1 + (g / 15) % 12] || ' ' ||
    (ARRAY['مصنوعة يدوياً','معطرة','قديمة','كلاسيكية','عصرية','حرير','صوف','خزفية',
           'فضة','كتان','ذهبية','ريفية','ناعمة','جريئة','عربية'])[1 + g % 15]
  END,
  CASE WHEN g % 2 = 0 THEN 'Made in small batches; number ' || g
       ELSE 'صنع بكميات صغيرة؛ رقم ' || g END,
  (ARRAY['home','fashion','perfume','coffee','gifts','jewellery','crafts','beauty'])[1 + g % 8],
  'SAR',
  (extract(epoch FROM now()) * 1000)::bigint - g::bigint * 60000,
  (extract(epoch FROM now()) * 1000)::bigint - g::bigint * 60000,
  1000 + (g * 37) % 50000,
  CASE WHEN g % 9 = 0 THEN 0 ELSE 1 END
FROM generate_series(1, {products}) g
JOIN bench_stores s ON s.n = g % {STORES} + 1;

INSERT INTO variants (product_id, name, sku, price_minor)
SELECT id, 'Standard', 'bench-' || id, price_minor FROM products;
INSERT INTO stock_lots (variant_id, lot, units)
SELECT v.id, 0, pr.in_stock * 10 FROM variants v JOIN products pr ON pr.id = v.product_id;
COMMIT;
VACUUM ANALYZE;
"
    )
}
