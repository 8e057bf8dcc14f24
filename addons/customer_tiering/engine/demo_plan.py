"""A deterministic demo story: ~40 customers of a logistics provider.

The plan is plain data (dates as offsets from *today*), so the same seed gives
the same story on every install, and the Odoo side only turns it into records.
Archetypes cover every tier, a *rising* customer (the source article's
"C company"), cooling and lost customers, and on-time, late, partial and
unpaid payers.

The last eighteen months are drawn first, in one stream: the graded story (the
tiers, the credit grades, the rising and the falling customers) stands on them.
The long-standing customers' earlier months, settled long ago, are drawn from a
stream of each customer's own, so that they leave that story as it is.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

SEED = 20250506
# the first customers' first month: churn over time compares a year with the year
# before it, and shows two years
HISTORY_MONTHS = 36
RECENT_MONTHS = 18
# customers lost before the last eighteen months: their first and last month of
# business, months ago. With the lost of the last months, customers are lost one by
# one and churn over time moves from month to month.
LOST_EARLIER = {
    "Marseille Olive Oil SARL": (36, 33),
    "兰州西北皮革制品厂": (34, 27),
    "Johannesburg Mining Supplies (Pty) Ltd": (32, 22),
    "Porto Cork Industries Lda": (29, 19),
}
# the platinum customer whose account manager is still to be assigned
WITHOUT_MANAGER = "Rotterdam Fresh Produce B.V."

# name, country, city, industry xml id (base), employees, annual revenue (CNY
# or the company's currency), chain position, archetype, language
# fmt: off
CUSTOMERS = (
    ("上海远航国际贸易有限公司", "CN", "上海", "base.res_partner_industry_G", 2400, 900000000.0, "downstream", "platinum", "zh_CN"),
    ("深圳华芯电子科技有限公司", "CN", "深圳", "base.res_partner_industry_C", 5200, 2100000000.0, "upstream", "platinum", "zh_CN"),
    ("Rotterdam Fresh Produce B.V.", "NL", "Rotterdam", "base.res_partner_industry_A", 800, 310000000.0, "downstream", "platinum", "en_US"),
    ("宁波港通汽车零部件有限公司", "CN", "宁波", "base.res_partner_industry_C", 3100, 1200000000.0, "upstream", "platinum", "zh_CN"),
    ("广州南沙冷链食品有限公司", "CN", "广州", "base.res_partner_industry_I", 650, 240000000.0, "downstream", "gold", "zh_CN"),
    ("Hamburg Maschinenbau GmbH", "DE", "Hamburg", "base.res_partner_industry_C", 1200, 420000000.0, "upstream", "gold", "en_US"),
    ("成都西部医药物流有限公司", "CN", "成都", "base.res_partner_industry_Q", 900, 380000000.0, "downstream", "gold", "zh_CN"),
    ("Lyon Textiles SA", "FR", "Lyon", "base.res_partner_industry_C", 450, 95000000.0, "upstream", "gold", "en_US"),
    ("天津渤海化工有限公司", "CN", "天津", "base.res_partner_industry_C", 2000, 780000000.0, "upstream", "late_payer", "zh_CN"),
    ("Chicago Home Goods Inc.", "US", "Chicago", "base.res_partner_industry_G", 300, 60000000.0, "end_user", "gold", "en_US"),
    ("杭州云仓电商有限公司", "CN", "杭州", "base.res_partner_industry_G", 120, 40000000.0, "end_user", "rising", "zh_CN"),
    ("Singapore Solar Components Pte Ltd", "SG", "Singapore", "base.res_partner_industry_D", 260, 150000000.0, "upstream", "rising", "en_US"),
    ("苏州精工五金制品厂", "CN", "苏州", "base.res_partner_industry_C", 180, 35000000.0, "upstream", "iron", "zh_CN"),
    ("青岛海丰水产有限公司", "CN", "青岛", "base.res_partner_industry_A", 90, 22000000.0, "upstream", "iron", "zh_CN"),
    ("Milano Design Srl", "IT", "Milano", "base.res_partner_industry_C", 60, 12000000.0, "end_user", "iron", "en_US"),
    ("武汉光谷光电有限公司", "CN", "武汉", "base.res_partner_industry_C", 350, 70000000.0, "upstream", "iron", "zh_CN"),
    ("Busan Marine Supplies Co., Ltd.", "KR", "Busan", "base.res_partner_industry_G", 75, 18000000.0, "downstream", "iron", "en_US"),
    ("厦门鹭岛茶业有限公司", "CN", "厦门", "base.res_partner_industry_A", 40, 8000000.0, "end_user", "partial_payer", "zh_CN"),
    ("郑州中原粮油贸易公司", "CN", "郑州", "base.res_partner_industry_G", 110, 30000000.0, "downstream", "iron", "zh_CN"),
    ("Antwerp Chemicals NV", "BE", "Antwerpen", "base.res_partner_industry_C", 220, 55000000.0, "upstream", "late_payer", "en_US"),
    ("重庆山城摩托车配件厂", "CN", "重庆", "base.res_partner_industry_C", 140, 25000000.0, "upstream", "iron", "zh_CN"),
    ("Dubai Trading House LLC", "AE", "Dubai", "base.res_partner_industry_G", 50, 15000000.0, "downstream", "iron", "en_US"),
    ("昆明高原花卉有限公司", "CN", "昆明", "base.res_partner_industry_A", 35, 6000000.0, "end_user", "lead", "zh_CN"),
    ("Lagos Import & Export Ltd", "NG", "Lagos", "base.res_partner_industry_G", 25, 3000000.0, "downstream", "lead", "en_US"),
    ("哈尔滨冰城乳业有限公司", "CN", "哈尔滨", "base.res_partner_industry_A", 60, 9000000.0, "end_user", "lead", "zh_CN"),
    ("Valencia Citrus Cooperative", "ES", "Valencia", "base.res_partner_industry_A", 30, 5000000.0, "upstream", "lead", "en_US"),
    ("南宁东盟商贸有限公司", "CN", "南宁", "base.res_partner_industry_G", 20, 4000000.0, "downstream", "lead", "zh_CN"),
    ("Melbourne Wine Exports Pty Ltd", "AU", "Melbourne", "base.res_partner_industry_A", 45, 7000000.0, "end_user", "lead", "en_US"),
    ("大连北方船舶配件有限公司", "CN", "大连", "base.res_partner_industry_C", 160, 28000000.0, "upstream", "lost", "zh_CN"),
    ("Mumbai Pharma Distributors Pvt Ltd", "IN", "Mumbai", "base.res_partner_industry_Q", 300, 45000000.0, "downstream", "lost", "en_US"),
    ("福州闽江家具有限公司", "CN", "福州", "base.res_partner_industry_C", 85, 14000000.0, "end_user", "lost", "zh_CN"),
    ("São Paulo Coffee Traders Ltda", "BR", "São Paulo", "base.res_partner_industry_A", 70, 11000000.0, "upstream", "lost", "en_US"),
    ("西安古城文化用品有限公司", "CN", "西安", "base.res_partner_industry_G", 55, 7000000.0, "end_user", "cooling", "zh_CN"),
    ("Gdańsk Amber Logistics Sp. z o.o.", "PL", "Gdańsk", "base.res_partner_industry_H", 95, 16000000.0, "downstream", "cooling", "en_US"),
    ("长沙湘江工程机械有限公司", "CN", "长沙", "base.res_partner_industry_C", 700, 260000000.0, "upstream", "at_risk", "zh_CN"),
    ("Osaka Precision Tools K.K.", "JP", "Osaka", "base.res_partner_industry_C", 410, 120000000.0, "upstream", "at_risk", "en_US"),
    ("义乌小商品出口有限公司", "CN", "义乌", "base.res_partner_industry_G", 65, 20000000.0, "downstream", "partial_payer", "zh_CN"),
    ("Vancouver Timber Corp.", "CA", "Vancouver", "base.res_partner_industry_A", 130, 40000000.0, "upstream", "iron", "en_US"),
    ("佛山陶瓷建材有限公司", "CN", "佛山", "base.res_partner_industry_F", 480, 150000000.0, "upstream", "gold", "zh_CN"),
    ("东莞新能源电池有限公司", "CN", "东莞", "base.res_partner_industry_C", 15, 2000000.0, "upstream", "never", "zh_CN"),
    ("Marseille Olive Oil SARL", "FR", "Marseille", "base.res_partner_industry_A", 80, 13000000.0, "downstream", "lost", "en_US"),
    ("兰州西北皮革制品厂", "CN", "兰州", "base.res_partner_industry_C", 120, 18000000.0, "upstream", "lost", "zh_CN"),
    ("Johannesburg Mining Supplies (Pty) Ltd", "ZA", "Johannesburg", "base.res_partner_industry_B", 210, 36000000.0, "downstream", "lost", "en_US"),
    ("Porto Cork Industries Lda", "PT", "Porto", "base.res_partner_industry_C", 70, 9000000.0, "upstream", "lost", "en_US"),
)
# fmt: on

# invoices per month, amount range, payment delay range (days), share paid,
# months since the last invoice (activity), first month of business (the first
# customers came over the first year)
# fmt: off
ARCHETYPES = {
    "platinum": dict(per_month=2.5, amount=(35000, 70000), delay=(20, 32), paid=1.0, quiet=0, since=36),
    "gold": dict(per_month=1.2, amount=(15000, 35000), delay=(25, 40), paid=1.0, quiet=0, since=36),
    "iron": dict(per_month=0.6, amount=(4000, 12000), delay=(25, 45), paid=1.0, quiet=0, since=36),
    "lead": dict(per_month=0.2, amount=(800, 3000), delay=(30, 60), paid=1.0, quiet=1, since=14),
    "rising": dict(per_month=0.5, amount=(2000, 4000), delay=(15, 30), paid=1.0, quiet=0, since=7),
    "late_payer": dict(per_month=1.0, amount=(10000, 25000), delay=(70, 80), paid=1.0, quiet=0, since=36),
    "partial_payer": dict(per_month=0.7, amount=(3000, 8000), delay=(30, 50), paid=0.5, quiet=0, since=36),
    "cooling": dict(per_month=0.8, amount=(4000, 9000), delay=(25, 40), paid=1.0, quiet=4, since=36),
    "at_risk": dict(per_month=1.0, amount=(10000, 20000), delay=(25, 40), paid=1.0, quiet=8, since=36),
    "lost": dict(per_month=0.8, amount=(4000, 10000), delay=(25, 45), paid=1.0, quiet=14, since=36),
    "never": dict(per_month=0.0, amount=(0, 0), delay=(0, 0), paid=0.0, quiet=0, since=0),
}
# fmt: on

POTENTIAL_VIEWS = {
    "rising": ("booming", 80.0),
    "platinum": ("growing", 30.0),
    "gold": ("growing", 40.0),
    "at_risk": ("stable", 30.0),
}


@dataclass
class PlannedPayment:
    days_after_invoice: int
    share: float


@dataclass
class PlannedInvoice:
    customer: int
    days_ago: int
    amount: float
    payments: list = field(default_factory=list)
    refund_share: float = 0.0  # part credited back by a credit note


@dataclass
class PlannedCustomer:
    index: int
    name: str
    country: str
    city: str
    industry: str
    employees: int
    annual_revenue: float
    chain_position: str
    archetype: str
    lang: str
    outlook: str
    wallet_share: float


def plan(today, seed=SEED):
    """The customers and their invoices, payments and credit notes."""
    rng = random.Random(seed)
    customers, invoices = [], []
    for index, row in enumerate(CUSTOMERS):
        name, country, city, industry, employees, revenue, chain, archetype, lang = row
        outlook, wallet = POTENTIAL_VIEWS.get(archetype, ("stable", 10.0))
        customers.append(
            PlannedCustomer(
                index,
                name,
                country,
                city,
                industry,
                employees,
                revenue,
                chain,
                archetype,
                lang,
                outlook,
                wallet,
            )
        )
        profile = ARCHETYPES[archetype]
        if not profile["per_month"]:
            continue
        first_month = profile["since"] - index % 12
        quiet = profile["quiet"]
        if name in LOST_EARLIER:
            first_month, quiet = LOST_EARLIER[name]
        # nothing for a customer lost before the last months: the others keep their draws
        recent = _invoices_of(
            index,
            profile,
            archetype,
            min(profile["since"], RECENT_MONTHS) * 30,
            quiet * 30 + 3,
            rng,
        )
        earlier = _invoices_of(
            index,
            dict(profile, paid=1.0),
            archetype,
            first_month * 30,
            max(RECENT_MONTHS * 30, quiet * 30 + 3),
            random.Random(seed * 100 + index),
        )
        invoices.extend(recent + earlier)
    return customers, invoices


def _invoices_of(index, profile, archetype, first_day, last_day, rng):
    """Invoices from ``first_day`` to ``last_day`` days ago, newest last."""
    result = []
    day = first_day
    while day > last_day:
        # a rising customer orders more and more: its gaps shrink over time
        rate = profile["per_month"] * (1 + (first_day - day) / 60 if archetype == "rising" else 1)
        gap = max(3, int(rng.expovariate(rate / 30.0)))
        day -= gap
        if day <= last_day:
            break
        low, high = profile["amount"]
        amount = round(rng.uniform(low, high), -1)
        if archetype == "rising":
            amount = round(amount * (1 + (first_day - day) / 90), -1)
        invoice = PlannedInvoice(index, day, amount)
        delay = rng.randint(*profile["delay"])
        if delay < day:  # payments after today are not made yet
            if profile["paid"] < 1.0 and rng.random() < 0.6:
                invoice.payments.append(PlannedPayment(delay, profile["paid"]))
            else:
                invoice.payments.append(PlannedPayment(delay, 1.0))
        if rng.random() < 0.04:
            invoice.refund_share = 0.1
        result.append(invoice)
    return result


def invoice_date(today, planned):
    return today - timedelta(days=planned.days_ago)
