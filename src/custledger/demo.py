"""``custledger seed-demo``: a realistic demo business on an empty database.

Three stores, their staff and a POS terminal, about 2,000 Brazilian customers (names with
accents, valid CPFs/CNPJs, phones, addresses) and two years of history before today: quotes,
open / delivered / cancelled / consumed orders, single and partial deliveries, cash and credit
sales, payments by PIX, card, boleto, cheque and cash (some pending, some overdue, some
backdated), a few blocked and inactive customers, one customer with a long history and some
duplicates worth merging.

Everything comes from ``random.Random(SEED)`` and ``clock.today()``: the same day gives the
same business. The history is planned in memory and written in bulk (Core inserts), but every
invariant the services keep holds: balance = Σ received − Σ delivered, the monthly totals,
``credit_reserved``, ``total_purchases``, numbers taken from the number sequences, and the
folded ``search_text`` / ``sort_name`` the customers service writes.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.models import PrincipalRow
from custledger.auth.roles import Role
from custledger.balance.models import MonthlyTotal
from custledger.config import get_settings
from custledger.customers import service as customers_service
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.audit import AuditEntry
from custledger.kit.db import Counter, is_postgres
from custledger.kit.errors import Conflict
from custledger.kit.text import digits, fold
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment
from custledger.stores import service as stores
from custledger.users import service as users

DEMO_OWNER = ("owner", "owner-demo-password")
SEED = 20261123
DEFAULT_CUSTOMERS = 2000
DEFAULT_LONG_HISTORY_ORDERS = 1400
DEFAULT_DUPLICATE_PAIRS = 12
HISTORY_DAYS = 730
DUPLICATE_NOTE = "Cadastro feito às pressas no caixa."

# The two stores added beside MAIN: code, name.
EXTRA_STORES = (("CENTRO", "Loja Centro — Campinas"), ("LITORAL", "Loja Litoral — Santos"))


# --------------------------------------------------------------------------------------------
# Brazilian tax ids: CPF (11 digits) and CNPJ (14 digits) with their check digits.
# --------------------------------------------------------------------------------------------


def _check_digit(numbers: Sequence[int], weights: Sequence[int]) -> int:
    remainder = sum(n * w for n, w in zip(numbers, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder


def cpf_from_base(base: int) -> str:
    """The CPF whose first nine digits are ``base`` (0 ≤ base < 10⁹), check digits added."""
    numbers = [int(c) for c in f"{base:09d}"]
    numbers.append(_check_digit(numbers, range(10, 1, -1)))
    numbers.append(_check_digit(numbers, range(11, 1, -1)))
    return "".join(map(str, numbers))


_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def cnpj_from_base(root: int, branch: int = 1) -> str:
    """The CNPJ of company ``root`` (eight digits) and ``branch`` (four, 0001 = head office)."""
    numbers = [int(c) for c in f"{root:08d}{branch:04d}"]
    numbers.append(_check_digit(numbers, _CNPJ_WEIGHTS_1))
    numbers.append(_check_digit(numbers, _CNPJ_WEIGHTS_2))
    return "".join(map(str, numbers))


def is_valid_cpf(value: str) -> bool:
    number = digits(value)
    if len(number) != 11 or len(set(number)) == 1:
        return False
    return cpf_from_base(int(number[:9])) == number


def is_valid_cnpj(value: str) -> bool:
    number = digits(value)
    if len(number) != 14 or len(set(number)) == 1:
        return False
    return cnpj_from_base(int(number[:8]), int(number[8:12])) == number


def random_cpf(rng: random.Random) -> str:
    while True:
        base = rng.randrange(1, 10**9)
        if len(set(f"{base:09d}")) > 1:
            return cpf_from_base(base)


def random_cnpj(rng: random.Random) -> str:
    return cnpj_from_base(rng.randrange(1, 10**8), rng.choice((1, 1, 1, 2, 3)))


# --------------------------------------------------------------------------------------------
# Names, places and the folded search columns.
# --------------------------------------------------------------------------------------------

# fmt: off
FIRST_NAMES_F = (
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda",
    "Patrícia", "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia",
    "Luciana", "Vanessa", "Mariana", "Gabriela", "Vera", "Vitória", "Larissa", "Cláudia",
    "Beatriz", "Luana", "Rita", "Sônia", "Renata", "Eliane", "Josefa", "Simone", "Natália",
    "Cristiane", "Carla", "Débora", "Rosângela", "Jaqueline", "Rosa", "Daniela", "Aparecida",
    "Marlene", "Terezinha", "Raimunda", "Andréia", "Fabiana", "Lúcia", "Raquel", "Ângela",
    "Rafaela", "Joana", "Luzia", "Elaine", "Conceição", "Inês", "Lívia", "Mônica", "Tânia",
    "Fátima", "Cecília", "Helena", "Alícia", "Heloísa", "Lúcia Helena", "Maria José",
    "Ana Cláudia", "Maria Eduarda", "Glória", "Irene", "Zélia", "Iracema", "Noêmia",
)
FIRST_NAMES_M = (
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz",
    "Marcos", "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe",
    "Raimundo", "Rodrigo", "Manoel", "Mateus", "André", "Fernando", "Fábio", "Leonardo",
    "Gustavo", "Guilherme", "Leandro", "Tiago", "Anderson", "Ricardo", "Márcio", "Jorge",
    "Sebastião", "Alexandre", "Roberto", "Edson", "Diego", "Vítor", "Sérgio", "Cláudio",
    "Joaquim", "Vinícius", "Otávio", "Caio", "Júlio", "César", "Benedito", "Geraldo", "Rogério",
    "Flávio", "Renê", "Estêvão", "Simão", "Conrado", "Heitor", "Inácio", "Lázaro", "Nélson",
    "Valdir", "Wellington", "Ígor", "Ênio", "João Vítor", "José Antônio", "Luiz Fernando",
    "Caetano", "Moisés", "Tomé", "Brás", "Aurélio", "Emílio",
)
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima",
    "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares",
    "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira",
    "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves",
    "Santana", "Teixeira", "Araújo", "Simões", "Magalhães", "Brandão", "Assunção", "Conceição",
    "Damião", "Estêvão", "Falcão", "Galvão", "Guimarães", "Leão", "Lustosa", "Mourão",
    "Patrício", "Romão", "Sampaio", "Tavares", "Veloso", "Xavier", "Azevedo", "Bragança",
    "Camargo", "Fonseca", "Meireles", "Peçanha", "Quintão", "Resende", "Sá", "Tenório",
    "Aragão", "Brito", "Cunha", "Domingues", "Esteves", "Farias", "Garcia", "Henriques",
    "Jesus", "Loureiro", "Monteiro", "Nóbrega", "Paixão", "Queiroz", "Salgado", "Toledo",
    "Valença", "Zanetti", "Bittencourt", "Conceição", "Figueiredo", "Prudêncio", "Muniz",
)
CONNECTORS = ("da", "de", "dos", "das", "do")
BUSINESS_KINDS = (
    ("Materiais de Construção", "Casa"),
    ("Comércio de Tintas", "Tintas"),
    ("Serralheria", "Serralheria"),
    ("Marcenaria", "Marcenaria"),
    ("Construtora", "Construtora"),
    ("Elétrica e Hidráulica", "Elétrica"),
    ("Reformas e Acabamentos", "Reformas"),
    ("Vidraçaria", "Vidraçaria"),
    ("Madeireira", "Madeireira"),
    ("Pisos e Revestimentos", "Pisos"),
    ("Paisagismo", "Jardins"),
    ("Engenharia", "Engenharia"),
)
COMPANY_SUFFIXES = ("Ltda", "Ltda", "ME", "EIRELI", "S.A.", "Ltda - EPP")
STREET_TYPES = ("Rua", "Rua", "Rua", "Avenida", "Travessa", "Alameda", "Praça", "Estrada")
STREET_NAMES = (
    "das Acácias", "dos Ipês", "São João", "Sete de Setembro", "Quinze de Novembro",
    "Tiradentes", "Dom Pedro II", "Marechal Deodoro", "Barão do Rio Branco",
    "Presidente Vargas", "Paulista", "Brigadeiro Faria Lima", "Rui Barbosa", "Getúlio Vargas",
    "Santos Dumont", "José Bonifácio", "Castro Alves", "Princesa Isabel", "das Flores",
    "dos Pinheiros", "Boa Vista", "Vinte e Cinco de Março", "da Consolação",
    "Conselheiro Furtado", "Machado de Assis", "Monteiro Lobato", "Cecília Meireles",
    "Anita Garibaldi", "Padre Anchieta", "Frei Caneca", "Joaquim Nabuco", "da Liberdade",
    "Visconde de Mauá", "Nossa Senhora Aparecida", "São Sebastião", "Ipiranga", "Brasília",
    "Amazonas", "Paraná", "Goiás", "Bahia", "Pernambuco", "Maranhão",
)
NEIGHBOURHOODS = (
    "Centro", "Vila Mariana", "Jardim América", "Moema", "Pinheiros", "Tatuapé", "Santana",
    "Vila Madalena", "Bela Vista", "Mooca", "Ipiranga", "Lapa", "Perdizes", "Butantã",
    "Jardim Paulista", "Vila Prudente", "Cambuci", "Liberdade", "Brooklin", "Penha",
    "Cidade Jardim", "Jardim Botânico", "Boqueirão", "Gonzaga", "Ponta da Praia", "Cambuí",
    "Taquaral", "Barão Geraldo", "Botafogo", "Copacabana", "Savassi", "Água Verde",
    "São Cristóvão", "Jardim São Luís", "Vila Guilherme", "Itaim Bibi", "Parque São Jorge",
)
# City, state, area code, weight: most customers live around the three stores.
CITIES = (
    ("São Paulo", "SP", "11", 40),
    ("Guarulhos", "SP", "11", 6),
    ("Osasco", "SP", "11", 4),
    ("São Bernardo do Campo", "SP", "11", 4),
    ("Santo André", "SP", "11", 3),
    ("Campinas", "SP", "19", 12),
    ("Jundiaí", "SP", "11", 3),
    ("Santos", "SP", "13", 9),
    ("São Vicente", "SP", "13", 3),
    ("Guarujá", "SP", "13", 2),
    ("Ribeirão Preto", "SP", "16", 2),
    ("São José dos Campos", "SP", "12", 2),
    ("Rio de Janeiro", "RJ", "21", 3),
    ("Belo Horizonte", "MG", "31", 2),
    ("Curitiba", "PR", "41", 2),
    ("Florianópolis", "SC", "48", 1),
    ("Porto Alegre", "RS", "51", 1),
    ("Goiânia", "GO", "62", 1),
    ("Brasília", "DF", "61", 1),
    ("Salvador", "BA", "71", 1),
    ("Recife", "PE", "81", 1),
    ("Fortaleza", "CE", "85", 1),
    ("Belém", "PA", "91", 1),
    ("Manaus", "AM", "92", 1),
)
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br",
                 "bol.com.br", "terra.com.br", "icloud.com")
BANKS = ("001", "033", "104", "237", "341", "756", "748", "077", "260", "422")
NOTES = (
    "Prefere contato por WhatsApp.", "Entregar somente após as 14h.",
    "Cliente antigo, atendido pelo Sr. Armando.", "Obra em andamento no endereço de entrega.",
    "Solicita nota fiscal com CNPJ da obra.", "Portaria exige agendamento da entrega.",
    "Pagamento preferencial via PIX.", "Não aceita entrega aos sábados.",
)
BILLING_INSTRUCTIONS = (
    "Enviar boleto por e-mail com 5 dias de antecedência.",
    "Cobrar por telefone antes de emitir a nota.",
    "Faturar para o CNPJ da matriz; boleto em 28 dias.",
    "Cliente pediu parcelamento em 3x no boleto.",
)
# fmt: on

FIRST_NAMES = FIRST_NAMES_F + FIRST_NAMES_M


def sort_name_of(name: str) -> str:
    """The folded name the customer list sorts on, as the customers service writes it."""
    return fold(name)[:200]


def search_text_of(fields: dict[str, Any]) -> str:
    """The folded text customer search runs on, built by the customers service itself."""
    searchable = ("name", "trade_name", "contact", "phone", "email", "city", "tax_id")
    return customers_service.search_text_of(Customer(**{k: fields.get(k) for k in searchable}))


def person_name(rng: random.Random) -> str:
    first = rng.choice(FIRST_NAMES)
    surnames = rng.sample(SURNAMES, rng.choice((1, 2, 2, 2, 3)))
    if len(surnames) > 1 and rng.random() < 0.45:
        surnames.insert(-1, rng.choice(CONNECTORS))
    return " ".join([first, *surnames])


def company_names(rng: random.Random) -> tuple[str, str]:
    """Legal name and trade name of a company."""
    activity, short = rng.choice(BUSINESS_KINDS)
    family = rng.choice(SURNAMES)
    suffix = rng.choice(COMPANY_SUFFIXES)
    if rng.random() < 0.5:
        legal = f"{family} & Filhos {activity} {suffix}"
    else:
        legal = f"{activity} {family} {suffix}"
    trade = f"{short} {family}" if rng.random() < 0.7 else f"{short} {rng.choice(STREET_NAMES)}"
    return legal, trade


def mobile_phone(rng: random.Random, area: str) -> str:
    return f"({area}) 9{rng.randrange(6000, 10000):04d}-{rng.randrange(10000):04d}"


def landline_phone(rng: random.Random, area: str) -> str:
    return f"({area}) {rng.randrange(2000, 6000):04d}-{rng.randrange(10000):04d}"


def email_of(rng: random.Random, name: str) -> str:
    words = [w for w in fold(name).replace("&", " ").split() if w not in CONNECTORS]
    local = ".".join(words[:2]) if rng.random() < 0.6 else words[0] + str(rng.randrange(1, 999))
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def postal_code(rng: random.Random) -> str:
    return f"{rng.randrange(1000, 99999):05d}-{rng.randrange(1000):03d}"


def city_of(rng: random.Random) -> tuple[str, str, str]:
    city, state, area, _ = rng.choices(CITIES, weights=[c[3] for c in CITIES])[0]
    return city, state, area


# --------------------------------------------------------------------------------------------
# The plan: customers and their histories, in memory.
# --------------------------------------------------------------------------------------------


@dataclass
class _Payment:
    method: str
    amount: int
    due_date: date
    received_on: date | None
    recorded_by: int
    created_at: datetime
    order: _Order | None = None
    details: str | None = None
    cheque: dict[str, Any] | None = None


@dataclass
class _Order:
    customer: _Customer
    store_id: int
    created_by: int
    status: str
    delivery_type: str
    terms: str
    total: int
    placed_on: date
    placed_at: datetime
    closed_on: date | None = None
    deliveries: list[tuple[date, int, datetime]] = field(default_factory=list)
    number: int = 0
    id: int = 0

    @property
    def delivered(self) -> int:
        return sum(amount for _, amount, _ in self.deliveries)


@dataclass
class _Customer:
    row: dict[str, Any]
    store_code: str
    created_on: date
    payer: str  # good, late or slow
    orders: list[_Order] = field(default_factory=list)
    payments: list[_Payment] = field(default_factory=list)
    id: int = 0
    duplicate_of: _Customer | None = None

    @property
    def name(self) -> str:
        return str(self.row["name"])


@dataclass
class Staff:
    store_id: int
    manager: int
    clerk: int
    pos: int | None = None


class _Planner:
    """Plans the customers and their histories; writes nothing."""

    def __init__(self, rng: random.Random, today: date, zone: ZoneInfo) -> None:
        self.rng = rng
        self.today = today
        self.zone = zone
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.tax_ids: set[str] = set()
        self.now = clock.now()

    # ---- time helpers ---------------------------------------------------------------------
    def at(self, day: date, earliest: int = 8, latest: int = 18) -> datetime:
        moment = time(self.rng.randrange(earliest, latest), self.rng.randrange(60))
        return min(self.now, datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC))

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def unique_tax_id(self, company: bool) -> str:
        while True:
            tax_id = random_cnpj(self.rng) if company else random_cpf(self.rng)
            if tax_id not in self.tax_ids:
                self.tax_ids.add(tax_id)
                return tax_id

    # ---- customers ------------------------------------------------------------------------
    def customer(self, store_code: str, store_id: int, *, company: bool | None = None) -> _Customer:
        rng = self.rng
        if company is None:
            company = rng.random() < 0.12
        city, state, area = city_of(rng)
        if company:
            name, trade_name = company_names(rng)
            contact: str | None = person_name(rng)
            phone = landline_phone(rng, area) if rng.random() < 0.5 else mobile_phone(rng, area)
        else:
            name = person_name(rng)
            trade_name = None
            contact = None
            phone = mobile_phone(rng, area)
        created_on = self.day_between(self.start, self.today - timedelta(days=7))
        # Earlier customers are more common: they have the histories.
        if rng.random() < 0.5:
            created_on = self.day_between(self.start, self.start + timedelta(days=200))
        created_at = self.at(created_on)
        credit_limit = None
        if rng.random() < (0.85 if company else 0.5):
            credit_limit = rng.choice((500, 1000, 1500, 2000, 3000, 5000, 8000, 10000)) * 100
            if company:
                credit_limit *= rng.choice((2, 3, 5))
        row: dict[str, Any] = {
            "store_id": store_id,
            "is_quick_sale": False,
            "name": name,
            "trade_name": trade_name,
            "contact": contact,
            "phone": phone if rng.random() < 0.93 else None,
            "email": email_of(rng, trade_name or name) if rng.random() < 0.55 else None,
            "address": f"{rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}",
            "address_number": str(rng.randrange(1, 3500)) if rng.random() < 0.95 else "s/n",
            "complement": rng.choice(
                ("Apto 12", "Casa 2", "Bloco B, apto 304", "Sala 5", "Fundos", "Loja 3")
            )
            if rng.random() < 0.25
            else None,
            "neighbourhood": rng.choice(NEIGHBOURHOODS),
            "city": city,
            "state": state,
            "postal_code": postal_code(rng),
            "country": "Brasil",
            "tax_id": self.unique_tax_id(company) if rng.random() < 0.85 else None,
            "legacy_rg_ie": (
                f"{rng.randrange(10, 99)}.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}-"
                f"{rng.choice('0123456789X')}"
                if not company and rng.random() < 0.2
                else None
            ),
            "legacy_registration": str(rng.randrange(10000, 99999)) if rng.random() < 0.1 else None,
            "notes": rng.choice(NOTES) if rng.random() < 0.08 else None,
            "active": True,
            "blocked": False,
            "credit_limit": credit_limit,
            "next_invoice_date": None,
            "billing_instructions": None,
            "production": False,
            "created_at": created_at,
            "updated_at": created_at,
            "version": 1,
        }
        payer = rng.choices(("good", "late", "slow"), weights=(70, 22, 8))[0]
        return _Customer(row=row, store_code=store_code, created_on=created_on, payer=payer)

    # ---- histories ------------------------------------------------------------------------
    def history(
        self, customer: _Customer, staff: Staff, orders: int, *, until: date | None = None
    ) -> None:
        """``orders`` orders (and quotes) with their deliveries and payments."""
        last = min(until or self.today, self.today)
        days = sorted(self.day_between(customer.created_on, last) for _ in range(orders))
        for placed_on in days:
            self.order(customer, staff, placed_on)
        if self.rng.random() < 0.04:
            # An advance: money on account before any purchase (a positive balance).
            day = self.day_between(customer.created_on, last)
            self.pay(
                customer,
                staff,
                None,
                self.rng.randrange(100, 2000) * 100,
                day,
                day,
                method=self.rng.choice(("PIX", "TRANSFER")),
                details="Adiantamento",
            )

    def order(self, customer: _Customer, staff: Staff, placed_on: date) -> None:
        rng, today = self.rng, self.today
        by = staff.pos if staff.pos is not None and rng.random() < 0.35 else staff.clerk
        total = max(1500, min(2_500_000, int(rng.lognormvariate(10.6, 0.95)) // 10 * 10))
        limit = customer.row["credit_limit"]
        credit = limit is not None and rng.random() < 0.7 and total <= limit * 0.6
        order = _Order(
            customer=customer,
            store_id=staff.store_id,
            created_by=by,
            status="open",
            delivery_type="single",
            terms="credit" if credit else "cash",
            total=total,
            placed_on=placed_on,
            placed_at=self.at(placed_on),
        )
        customer.orders.append(order)
        roll = rng.random()
        age = (today - placed_on).days
        if roll < 0.07:
            order.status = "quote"
            order.delivery_type = "unspecified"
            return
        if roll < 0.10:
            # A quote turned into a sale: the quote is consumed.
            order.status = "consumed"
            order.delivery_type = "unspecified"
            order.closed_on = min(today, placed_on + timedelta(days=rng.randrange(1, 10)))
            return
        if roll < 0.15:
            order.status = "cancelled"
            order.delivery_type = rng.choice(("single", "unspecified", "awaiting_collection"))
            order.closed_on = min(today, placed_on + timedelta(days=rng.randrange(0, 15)))
            return
        order.delivery_type = rng.choices(
            ("single", "partial", "collected", "awaiting_collection", "unspecified"),
            weights=(45, 25, 20, 6, 4),
        )[0]
        if order.terms == "cash":
            self.cash_payments(customer, staff, order)
        # Deliveries: none yet for orders waiting on the customer or placed days ago.
        if order.delivery_type == "collected":
            plan = [(placed_on, total)]
        elif order.delivery_type == "single":
            plan = [(placed_on + timedelta(days=rng.randrange(0, 8)), total)]
        elif order.delivery_type == "partial":
            parts = rng.choice((2, 2, 3, 4))
            amounts = self.split(total, parts)
            day, plan = placed_on, []
            for amount in amounts:
                day = day + timedelta(days=rng.randrange(1, 25))
                plan.append((day, amount))
        else:
            # Awaiting collection / unspecified: delivered eventually, or still open if recent.
            wait = rng.randrange(2, 60)
            plan = [(placed_on + timedelta(days=wait), total)] if age > wait else []
        if rng.random() < 0.04 and age < 120:
            plan = plan[: max(0, len(plan) - 1)]  # a delivery still to come
        for day, amount in plan:
            if day > today:
                break
            order.deliveries.append((day, amount, self.at(day, 9, 17)))
            if order.terms == "credit":
                self.credit_receivables(customer, staff, order, day, amount)
        if order.delivered == order.total:
            order.status = "delivered"
            if order.delivery_type in ("awaiting_collection", "unspecified"):
                order.delivery_type = "collected"

    def split(self, total: int, parts: int) -> list[int]:
        cuts = sorted(self.rng.sample(range(1, total // 10), parts - 1)) if total >= 100 else []
        points = [0, *(c * 10 for c in cuts), total]
        amounts = [b - a for a, b in itertools.pairwise(points) if b > a]
        return amounts or [total]

    def cash_payments(self, customer: _Customer, staff: Staff, order: _Order) -> None:
        rng = self.rng
        day = order.placed_on
        if rng.random() < 0.12 and order.total >= 200:
            card = order.total // 2 // 10 * 10
            self.pay(customer, staff, order, order.total - card, day, day, method="CASH")
            self.pay(
                customer,
                staff,
                order,
                card,
                day,
                day,
                method="CARD",
                details=f"Cartão de crédito {rng.choice(('Visa', 'Master', 'Elo'))} 1x",
            )
            return
        method = rng.choices(("CASH", "PIX", "CARD"), weights=(35, 40, 25))[0]
        details = {"PIX": "PIX recebido no caixa", "CARD": "Cartão de débito"}.get(method)
        self.pay(customer, staff, order, order.total, day, day, method=method, details=details)

    def credit_receivables(
        self, customer: _Customer, staff: Staff, order: _Order, delivered_on: date, amount: int
    ) -> None:
        """What a credit delivery is paid with: one to three instalments 30 days apart."""
        rng, today = self.rng, self.today
        method = rng.choices(
            ("BOLETO", "PIX", "CHEQUE", "TRANSFER", "CARD"), weights=(40, 25, 20, 10, 5)
        )[0]
        instalments = self.split(amount, rng.choice((1, 1, 1, 2, 3)))
        for k, part in enumerate(instalments, start=1):
            due = delivered_on + timedelta(days=30 * k)
            if customer.payer == "good":
                received: date | None = due + timedelta(days=rng.randrange(-6, 4))
            elif customer.payer == "late":
                received = due + timedelta(days=rng.randrange(0, 40))
            else:
                received = (
                    due + timedelta(days=rng.randrange(20, 150)) if rng.random() < 0.6 else None
                )
            if received is not None:
                received = max(received, delivered_on)
                if received > today:
                    # Not yet paid: a scheduled receivable (or an overdue one, past its due).
                    received = None
                    if due > today and rng.random() < 0.1:
                        received = today - timedelta(days=rng.randrange(0, 3))
                        received = max(received, delivered_on)
            details = None
            if method == "BOLETO":
                details = f"Boleto nº {rng.randrange(10**9, 10**10)}"
            elif method == "PIX":
                details = "PIX"
            self.pay(customer, staff, order, part, due, received, method=method, details=details)

    def pay(
        self,
        customer: _Customer,
        staff: Staff,
        order: _Order | None,
        amount: int,
        due: date,
        received: date | None,
        *,
        method: str,
        details: str | None = None,
    ) -> None:
        rng, today = self.rng, self.today
        by = staff.clerk
        recorded_on = received or min(today, max(customer.created_on, due - timedelta(days=30)))
        if received is not None and received < today - timedelta(days=1) and rng.random() < 0.05:
            # Backdated: a manager recorded it days after the money came in.
            recorded_on = min(today, received + timedelta(days=rng.randrange(1, 7)))
            by = staff.manager
            details = (details + " — " if details else "") + "lançado com data retroativa"
        elif staff.pos is not None and order is not None and order.terms == "cash":
            by = order.created_by
        payment = _Payment(
            method=method,
            amount=amount,
            due_date=due,
            received_on=received,
            recorded_by=by,
            created_at=self.at(recorded_on),
            order=order,
            details=details,
        )
        if method == "CHEQUE":
            own = customer.row["tax_id"] is not None and rng.random() < 0.8
            payment.cheque = {
                "predated_to": due,
                "issuer_tax_id": customer.row["tax_id"] if own else random_cpf(rng),
                "issuer_name": customer.name if own else person_name(rng),
                "bank": rng.choice(BANKS),
                "branch": f"{rng.randrange(1, 9999):04d}",
                "account": f"{rng.randrange(1000, 999999)}-{rng.randrange(10)}",
                "cheque_number": f"{rng.randrange(1, 999999):06d}",
            }
        customer.payments.append(payment)


def _duplicate_name(rng: random.Random, name: str) -> str:
    """The same person typed again: case and accents differ."""
    style = rng.randrange(4)
    if style == 0:
        typed = fold(name).upper()
    elif style == 1:
        typed = fold(name).title().replace(" Da ", " da ").replace(" De ", " de ")
    elif style == 2:
        typed = name.upper()
    else:
        typed = fold(name)
    # A name without accents could come back unchanged: then it was typed in capitals.
    return typed if typed != name else name.upper()


def _plan_customers(
    planner: _Planner,
    staff: dict[str, Staff],
    count: int,
    long_history_orders: int,
    duplicate_pairs: int,
) -> tuple[list[_Customer], _Customer | None, list[tuple[_Customer, _Customer]]]:
    rng = planner.rng
    codes = list(staff)
    weights = [50, 25, 25][: len(codes)]
    customers: list[_Customer] = []
    long_customer = None
    if long_history_orders and count:
        main = staff[codes[0]]
        long_customer = planner.customer(codes[0], main.store_id, company=True)
        long_customer.created_on = planner.start
        long_customer.row["created_at"] = long_customer.row["updated_at"] = planner.at(
            planner.start
        )
        long_customer.row["credit_limit"] = 500_000_00
        long_customer.payer = "good"
        long_customer.row["notes"] = "Cliente com histórico longo: compras quase diárias."
        planner.history(long_customer, main, long_history_orders)
        customers.append(long_customer)
    originals = count - len(customers) - duplicate_pairs
    for _ in range(max(0, originals)):
        code = rng.choices(codes, weights=weights)[0]
        customer = planner.customer(code, staff[code].store_id)
        activity = rng.choices((0, 1, 2, 3), weights=(15, 40, 35, 10))[0]
        orders = (0, rng.randrange(1, 4), rng.randrange(4, 12), rng.randrange(12, 40))[activity]
        roll = rng.random()
        if roll < 0.02:
            customer.row["blocked"] = True
            customer.payer = "slow"
            customer.row["notes"] = "Bloqueado para venda a prazo: débitos em atraso."
            orders = max(orders, 6)
            planner.history(customer, staff[code], orders)
        elif roll < 0.05:
            customer.row["active"] = False
            customer.row["notes"] = "Inativo: mudou-se da região."
            until = customer.created_on + timedelta(days=rng.randrange(30, 200))
            planner.history(customer, staff[code], min(orders, 5), until=until)
        else:
            planner.history(customer, staff[code], orders)
        customers.append(customer)
    pairs: list[tuple[_Customer, _Customer]] = []
    candidates = [c for c in customers if c.row["trade_name"] is None and c is not long_customer]
    for original in rng.sample(candidates, min(duplicate_pairs, len(candidates))):
        code = rng.choice(codes)
        twin = planner.customer(code, staff[code].store_id, company=False)
        twin.row.update(
            name=_duplicate_name(rng, original.name),
            phone=original.row["phone"] or twin.row["phone"],
            email=original.row["email"] if rng.random() < 0.5 else None,
            address=original.row["address"],
            address_number=original.row["address_number"],
            neighbourhood=original.row["neighbourhood"],
            city=original.row["city"],
            state=original.row["state"],
            postal_code=original.row["postal_code"],
            tax_id=None,
            credit_limit=None,
            notes=DUPLICATE_NOTE,
        )
        twin.created_on = planner.day_between(original.created_on, planner.today)
        twin.row["created_at"] = twin.row["updated_at"] = planner.at(twin.created_on)
        twin.duplicate_of = original
        planner.history(twin, staff[code], rng.randrange(1, 4))
        customers.append(twin)
        pairs.append((original, twin))
    return customers, long_customer, pairs


# --------------------------------------------------------------------------------------------
# Writing the plan.
# --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """The demo business before it is written: customers in the order they registered."""

    planner: _Planner
    customers: list[_Customer]
    long_customer: _Customer | None
    pairs: list[tuple[_Customer, _Customer]]


def plan_business(
    staff: dict[str, Staff],
    today: date,
    *,
    customers: int = DEFAULT_CUSTOMERS,
    long_history_orders: int = DEFAULT_LONG_HISTORY_ORDERS,
    duplicate_pairs: int = DEFAULT_DUPLICATE_PAIRS,
) -> Plan:
    """The same ``staff`` and ``today`` always give the same business."""
    rng = random.Random(SEED)  # noqa: S311 - a reproducible demo, not secrets
    planner = _Planner(rng, today, get_settings().zone)
    planned, long_customer, pairs = _plan_customers(
        planner, staff, customers, long_history_orders, duplicate_pairs
    )
    # Customer numbers follow the order in which the customers registered.
    planned.sort(key=lambda c: (c.row["created_at"], c.name))
    return Plan(planner, planned, long_customer, pairs)


async def _reserve_numbers(session: AsyncSession, name: str, count: int) -> int:
    """Take ``count`` consecutive numbers from a number sequence; returns the first."""
    if count == 0:
        return 0
    if is_postgres(session):
        first = int(await session.scalar(text(f"SELECT nextval('{name}')")) or 0)
        await session.execute(text(f"SELECT setval('{name}', {first + count - 1})"))
        return first
    last = await session.scalar(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    )
    if last is None:
        raise RuntimeError(f"number sequence {name!r} is missing; run the migrations")
    return int(last) - count + 1


def _chunks(rows: list[dict[str, Any]], size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def _next_ids(session: AsyncSession, model: Any, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``model``'s table, given explicitly so the plan can link
    rows before writing them (RETURNING row by row is far slower on SQLite)."""
    top = int(await session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0)
    return list(range(top + 1, top + 1 + count))


async def _advance_id_sequences(session: AsyncSession, models: Sequence[Any]) -> None:
    """PostgreSQL: move each serial id past the ids given explicitly (SQLite needs nothing)."""
    if not is_postgres(session):
        return
    for model in models:
        table = model.__tablename__
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        )


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        await session.execute(insert(model.__table__), chunk)


def _month(day: date) -> date:
    return day.replace(day=1)


async def _write(
    session: AsyncSession,
    planner: _Planner,
    customers: list[_Customer],
    clerk_of_store: dict[int, int],
    manager_of_store: dict[int, int],
) -> dict[str, int]:
    today = planner.today
    first_number = await _reserve_numbers(session, "customer_number_seq", len(customers))
    month_totals: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for index, customer in enumerate(customers):
        row = customer.row
        number = first_number + index
        received = sum(p.amount for p in customer.payments if p.received_on is not None)
        delivered = sum(o.delivered for o in customer.orders)
        row["number"] = number
        row["balance"] = received - delivered
        row["credit_reserved"] = sum(
            o.total - o.delivered
            for o in customer.orders
            if o.status == "open" and o.terms == "credit"
        )
        row["total_purchases"] = sum(
            o.total for o in customer.orders if o.status in ("open", "delivered")
        )
        if row["balance"] < 0 and planner.rng.random() < 0.3:
            row["next_invoice_date"] = today + timedelta(days=planner.rng.randrange(1, 25))
            row["billing_instructions"] = planner.rng.choice(BILLING_INSTRUCTIONS)
        row["sort_name"] = sort_name_of(row["name"])
        row["search_text"] = search_text_of(row)
        last_event = max(
            [row["created_at"]]
            + [p.created_at for p in customer.payments]
            + [d[2] for o in customer.orders for d in o.deliveries]
        )
        row["updated_at"] = last_event
    ids = await _next_ids(session, Customer, len(customers))
    for customer, customer_id in zip(customers, ids, strict=True):
        customer.id = customer.row["id"] = customer_id
    await _insert(session, Customer, [c.row for c in customers])
    for customer in customers:
        customer_id = customer.id
        for payment in customer.payments:
            if payment.received_on is not None:
                month_totals[(customer_id, _month(payment.received_on))][0] += payment.amount
        for order in customer.orders:
            for delivered_on, amount, _ in order.deliveries:
                month_totals[(customer_id, _month(delivered_on))][1] += amount

    # Orders numbered in the order they were placed.
    orders = sorted(
        (o for c in customers for o in c.orders), key=lambda o: (o.placed_at, o.customer.id)
    )
    first_order = await _reserve_numbers(session, "order_number_seq", len(orders))
    for index, order in enumerate(orders):
        order.number = first_order + index
    for order, order_id in zip(orders, await _next_ids(session, Order, len(orders)), strict=True):
        order.id = order_id
    order_rows = [
        {
            "id": o.id,
            "number": o.number,
            "customer_id": o.customer.id,
            "store_id": o.store_id,
            "created_by_id": o.created_by,
            "status": o.status,
            "delivery_type": o.delivery_type,
            "payment_terms": o.terms,
            "total": o.total,
            "delivered_amount": o.delivered,
            "placed_on": o.placed_on,
            "closed_on": o.closed_on,
            "version": 1 + len(o.deliveries) + (o.closed_on is not None),
            "created_at": o.placed_at,
            "updated_at": max([o.placed_at, *(d[2] for d in o.deliveries)]),
        }
        for o in orders
    ]
    await _insert(session, Order, order_rows)
    delivery_rows = [
        {
            "order_id": o.id,
            "customer_id": o.customer.id,
            "sequence": sequence,
            "delivered_on": delivered_on,
            "amount": amount,
            "created_by_id": clerk_of_store[o.store_id],
            "created_at": created_at,
        }
        for o in orders
        for sequence, (delivered_on, amount, created_at) in enumerate(o.deliveries, start=1)
    ]
    await _insert(session, Delivery, delivery_rows)

    payments = sorted(
        (p for c in customers for p in c.payments), key=lambda p: (p.created_at, p.amount)
    )
    owner_of = {id(p): c for c in customers for p in c.payments}
    payment_rows = [
        {
            "customer_id": owner_of[id(p)].id,
            "order_number": p.order.number if p.order is not None else None,
            "recorded_by_id": p.recorded_by,
            "method": p.method,
            "amount": p.amount,
            "due_date": p.due_date,
            "received_on": p.received_on,
            "details": p.details,
            "version": 1,
            "created_at": p.created_at,
            "updated_at": p.created_at,
        }
        for p in payments
    ]
    payment_ids = await _next_ids(session, Payment, len(payments))
    for row, payment_id in zip(payment_rows, payment_ids, strict=True):
        row["id"] = payment_id
    await _insert(session, Payment, payment_rows)
    cheque_rows = [
        {"payment_id": payment_id, "customer_id": owner_of[id(p)].id, **p.cheque}
        for p, payment_id in zip(payments, payment_ids, strict=True)
        if p.cheque is not None
    ]
    await _insert(session, Cheque, cheque_rows)
    await _insert(
        session,
        MonthlyTotal,
        [
            {"customer_id": cid, "month": month, "received": r, "delivered": d}
            for (cid, month), (r, d) in sorted(month_totals.items())
        ],
    )
    await _insert(
        session,
        AuditEntry,
        [
            {
                "occurred_at": c.row["created_at"],
                # Credit is set by credit control (sales:manage): the store's manager.
                "principal_id": (
                    manager_of_store
                    if c.row["credit_limit"] is not None or c.row["blocked"]
                    else clerk_of_store
                )[c.row["store_id"]],
                "action": "customer.create",
                "entity_type": "customer",
                "entity_id": c.id,
                "customer_id": c.id,
                "changes": {
                    "before": None,
                    "after": {
                        "number": c.row["number"],
                        "name": c.row["name"],
                        "tax_id": c.row["tax_id"],
                        "store_id": c.row["store_id"],
                        "credit_limit": c.row["credit_limit"],
                    },
                    "source": "seed-demo",
                },
                "request_id": None,
            }
            for c in customers
        ],
    )
    await _advance_id_sequences(session, (Customer, Order, Delivery, Payment, Cheque, AuditEntry))
    await session.flush()
    pending = [p for p in payments if p.received_on is None]
    return {
        "customers": len(customers),
        "orders": len(orders),
        "deliveries": len(delivery_rows),
        "payments": len(payments),
        "pending": len(pending),
        "overdue": sum(1 for p in pending if p.due_date < today),
        "cheques": len(cheque_rows),
        "backdated": sum(
            1
            for p in payments
            if p.received_on is not None and clock.business_date(p.created_at) > p.received_on
        ),
    }


def _statement_entries(customer: _Customer) -> int:
    """Statement rows of a customer: payments received, deliveries and activity rows."""
    received = sum(1 for p in customer.payments if p.received_on is not None)
    deliveries = sum(len(o.deliveries) for o in customer.orders)
    activity = sum(1 for o in customer.orders if not o.deliveries or o.status != "delivered")
    return received + deliveries + activity


async def seed(
    session: AsyncSession,
    *,
    if_empty: bool = False,
    customers: int = DEFAULT_CUSTOMERS,
    long_history_orders: int = DEFAULT_LONG_HISTORY_ORDERS,
    duplicate_pairs: int = DEFAULT_DUPLICATE_PAIRS,
) -> list[str]:
    """Fill an empty database with the demo business; returns the lines to print."""
    has_customers = await session.scalar(
        select(func.count()).select_from(Customer).where(Customer.is_quick_sale.is_(False))
    )
    has_users = await session.scalar(select(func.count()).select_from(PrincipalRow))
    if has_customers or has_users:
        if if_empty:
            return ["the database already has data; nothing seeded"]
        raise Conflict("seed-demo fills an empty database; this one already has data.")
    lines: list[str] = []
    username, password = DEMO_OWNER
    main = await stores.store_by_code(session, stores.DEFAULT_STORE_CODE)
    owner = await users.create_user(
        session,
        username=username,
        password=password,
        role=Role.OWNER,
        name="Demo Owner",
        store_id=main.id,
    )
    lines.append(f"demo owner login: username {username!r}, password {password!r}")
    store_rows = [main]
    for code, name in EXTRA_STORES:
        store_rows.append(await stores.create_store(session, code, name, actor_id=owner.id))
    staff: dict[str, Staff] = {}
    names = random.Random(SEED - 1)  # noqa: S311 - a reproducible demo, not secrets
    for store in store_rows:
        people = {}
        for role, title in ((Role.MANAGER, "Gerente"), (Role.CLERK, "Caixa")):
            login = f"{role.value}-{store.code.lower()}"
            secret = f"{login}-demo"
            row = await users.create_user(
                session,
                username=login,
                password=secret,
                role=role,
                name=f"{title} {person_name(names).split()[0]} ({store.code})",
                store_id=store.id,
                actor_id=owner.id,
            )
            people[role] = row.id
            lines.append(
                f"demo {role.value} login ({store.code}): username {login!r}, password {secret!r}"
            )
        staff[store.code] = Staff(
            store_id=store.id, manager=people[Role.MANAGER], clerk=people[Role.CLERK]
        )
    client, client_secret = await users.create_api_client(
        session, name="PDV Caixa 1 — MAIN", store_id=main.id, actor_id=owner.id
    )
    staff[main.code].pos = client.id
    lines.append(
        f"demo POS terminal (MAIN): client_id {client.client_id!r}, client_secret {client_secret!r}"
    )

    plan = plan_business(
        staff,
        clock.today(),
        customers=customers,
        long_history_orders=long_history_orders,
        duplicate_pairs=duplicate_pairs,
    )
    planned, long_customer, pairs = plan.customers, plan.long_customer, plan.pairs
    clerk_of_store = {s.store_id: s.clerk for s in staff.values()}
    manager_of_store = {s.store_id: s.manager for s in staff.values()}
    counts = await _write(session, plan.planner, planned, clerk_of_store, manager_of_store)
    lines.append(
        f"seeded {len(store_rows)} stores, {counts['customers']} customers, "
        f"{counts['orders']} orders, {counts['deliveries']} deliveries, "
        f"{counts['payments']} payments ({counts['pending']} pending, {counts['overdue']} "
        f"overdue, {counts['backdated']} backdated), {counts['cheques']} cheques"
    )
    if long_customer is not None:
        lines.append(
            f"long-history customer: #{long_customer.row['number']} {long_customer.name} "
            f"({_statement_entries(long_customer)} statement entries)"
        )
    blocked = sum(1 for c in planned if c.row["blocked"])
    inactive = sum(1 for c in planned if not c.row["active"])
    lines.append(f"{blocked} blocked and {inactive} inactive customers")
    if pairs:
        examples = ", ".join(
            f"#{a.row['number']} {a.name!r} ~ #{b.row['number']} {b.name!r}" for a, b in pairs[:3]
        )
        lines.append(f"{len(pairs)} duplicate pairs worth merging, e.g. {examples}")
    return lines
