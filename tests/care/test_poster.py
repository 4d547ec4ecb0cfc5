"""Resident pages at the desk: publishing a grid's page, a new address that leaves old posters leading nowhere,
closing and reopening, refusals outside one's place; the printable poster (PNG at A4 whose QR code is the page's
address, PDF with the Chinese font subset embedded and its text extractable); the list of an area's grids with
today's submissions; the demo's page."""

import io
import re
import shutil
import subprocess

import pytest
import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from frontline.care import poster
from frontline.care.models import RECEIPT_ALPHABET, Channel, ResidentPage
from frontline.care.orders import LineIn, order_place
from frontline.care.requests import request_submit
from frontline.care.resident_pages import (
    grid_full_name,
    resident_page_close,
    resident_page_publish,
    resident_page_renew_code,
    resident_page_reopen,
)
from frontline.core.models import AuditLog
from tests.pdf import pdf_streams

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(city):
    """A grid without a page (the demo publishes the demo grid's, not its sibling's)."""
    ResidentPage.objects.filter(area=city.sibling_grid).delete()
    return city.sibling_grid


@pytest.fixture
def rpage(city, grid):
    return resident_page_publish(actor=city.users["secretary"], grid=grid, hotline="0371-12345678")


def _notes(rpage):
    return list(AuditLog.objects.filter(object_id=str(rpage.pk), content_type__model="residentpage")
                .order_by("id").values_list("note", flat=True))


def test_secretary_publishes_a_grid_page_with_a_random_readable_code_and_its_hotline(city, grid):
    rpage = resident_page_publish(actor=city.users["secretary"], grid=grid, hotline="138-0013-8000")
    assert rpage.active and rpage.area == grid and rpage.hotline == "13800138000"
    assert 8 <= len(rpage.code) <= 12 and set(rpage.code) <= set(RECEIPT_ALPHABET)
    other = resident_page_publish(actor=city.users["secretary"], grid=city.grid, hotline="13900139000")
    assert other.code != rpage.code
    assert _notes(rpage) == ["resident page published"]


def test_publishing_again_changes_the_hotline_and_keeps_the_address(city, rpage):
    again = resident_page_publish(actor=city.users["street"], grid=rpage.area, hotline="13900139000")
    assert again.pk == rpage.pk and again.code == rpage.code and again.hotline == "13900139000"


def test_a_new_code_leaves_the_old_address_leading_nowhere(city, rpage, client_for):
    old = rpage.code
    renewed = resident_page_renew_code(actor=city.users["secretary"], page=rpage)
    assert renewed.code != old and set(renewed.code) <= set(RECEIPT_ALPHABET)
    assert not ResidentPage.objects.filter(code=old).exists()
    assert ResidentPage.objects.get(area=rpage.area).code == renewed.code
    assert _notes(rpage)[-1] == "resident page code renewed"
    # The desk's page shows the new address, not the old one.
    body = client_for("secretary").get(reverse("resident_page_manage", args=[rpage.area.pk])).content.decode()
    assert f"/r/{renewed.code}/" in body and f"/r/{old}/" not in body


def test_renew_on_the_page_posts_and_changes_the_code(city, rpage, client_for):
    response = client_for("secretary").post(reverse("resident_page_renew", args=[rpage.area.pk]))
    assert response.status_code == 302
    assert ResidentPage.objects.get(pk=rpage.pk).code != rpage.code


def test_closing_and_reopening_a_page(city, rpage):
    closed = resident_page_close(actor=city.users["secretary"], page=rpage)
    assert not closed.active
    with pytest.raises(ValidationError):
        resident_page_close(actor=city.users["secretary"], page=closed)
    assert resident_page_reopen(actor=city.users["secretary"], page=closed).active
    assert _notes(rpage)[-2:] == ["resident page closed", "resident page reopened"]


def test_a_page_belongs_to_a_grid_not_a_community(city):
    with pytest.raises(ValidationError) as refused:
        resident_page_publish(actor=city.users["secretary"], grid=city.community, hotline="13800138000")
    assert city.community.name in refused.value.messages[0]
    assert not ResidentPage.objects.filter(area=city.community).exists()


def test_a_bad_hotline_is_refused_on_the_page_with_what_is_wrong_and_nothing_is_published(city, grid, client_for):
    response = client_for("secretary").post(reverse("resident_page_manage", args=[grid.pk]), {"hotline": "12345"})
    assert response.status_code == 200
    assert "12345" in response.content.decode() and 'data-testid="form-errors"' in response.content.decode()
    assert not ResidentPage.objects.filter(area=grid).exists()


@pytest.mark.parametrize("username", ["grid", "hotline", "volunteer", "secretary2", "district2"])
def test_who_may_not_manage_the_grid_is_refused_and_nothing_changes(city, rpage, username):
    with pytest.raises(PermissionDenied):
        resident_page_publish(actor=city.users[username], grid=rpage.area, hotline="13900139000")
    with pytest.raises(PermissionDenied):
        resident_page_renew_code(actor=city.users[username], page=rpage)
    with pytest.raises(PermissionDenied):
        resident_page_close(actor=city.users[username], page=rpage)
    assert ResidentPage.objects.get(pk=rpage.pk).code == rpage.code and ResidentPage.objects.get(pk=rpage.pk).active


def test_pages_answer_404_outside_ones_place_and_403_to_roles_without_the_action(city, rpage, client_for):
    manage = reverse("resident_page_manage", args=[rpage.area.pk])
    poster_url = reverse("resident_page_poster_pdf", args=[rpage.area.pk])
    assert client_for("district2").get(manage).status_code == 404
    assert client_for("secretary2").get(poster_url).status_code == 404
    assert client_for("grid2").get(manage).status_code == 403
    assert client_for("district2").post(reverse("resident_page_renew", args=[rpage.area.pk])).status_code == 404
    assert ResidentPage.objects.get(pk=rpage.pk).code == rpage.code


# --- the poster ----------------------------------------------------------------------------------------------

def _sampled_matrix(image: Image.Image, url: str) -> list[list[bool]]:
    """The modules read off the image at the centre of each module's square."""
    left, top, module = poster.qr_box_px(url)
    size = len(segno.make(url, error="m").matrix)
    gray = image.convert("L")
    return [[gray.getpixel((left + c * module + module // 2, top + r * module + module // 2)) < 128
             for c in range(size)] for r in range(size)]


def test_png_poster_is_a4_and_its_qr_code_is_the_page_address(city, rpage, client_for):
    response = client_for("secretary").get(reverse("resident_page_poster_png", args=[rpage.area.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert "%E5%B1%85%E6%B0%91%E9%A1%B5%E9%9D%A2" in response["Content-Disposition"]  # 居民页面, RFC 5987
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == poster.A4_PX == (1240, 1754)
    url = f"http://testserver/r/{rpage.code}/"
    expected = [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]
    assert _sampled_matrix(image, url) == expected
    if shutil.which("zbarimg"):  # a real decoder, where the machine has one
        decoded = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=response.content, capture_output=True)
        assert decoded.stdout.decode().strip() == url
    assert _notes(rpage)[-1] == "resident page poster printed"


def test_the_poster_prints_the_configured_public_address(city, rpage, client_for, settings):
    settings.FRONTLINE_PUBLIC_URL = "https://fl.example.gov.cn/"
    response = client_for("secretary").get(reverse("resident_page_poster_png", args=[rpage.area.pk]))
    image = Image.open(io.BytesIO(response.content))
    url = f"https://fl.example.gov.cn/r/{rpage.code}/"
    assert _sampled_matrix(image, url) == [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]
    manage = client_for("secretary").get(reverse("resident_page_manage", args=[rpage.area.pk])).content.decode()
    assert f'href="{url}"' in manage


def test_pdf_poster_embeds_a_font_subset_and_its_text_names_the_grid(city, rpage, client_for):
    response = client_for("secretary").get(reverse("resident_page_poster_pdf", args=[rpage.area.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and (b"/FontFile2" in pdf or b"/FontFile3" in pdf)
    assert len(pdf) < 100_000  # a subset, not the whole 20 MB collection
    cmaps = b"".join(s for s in pdf_streams(pdf) if b"beginbfchar" in s or b"beginbfrange" in s).upper()
    name = grid_full_name(rpage.area)
    assert rpage.area.name in name
    for char in set((name + poster.TITLE + rpage.hotline).replace(" ", "")):
        assert f"<{ord(char):04X}>".encode() in cmaps, f"{char} is not in the PDF's text"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
        assert rpage.area.name in text and "凭回执码查询进度" in text and rpage.hotline in text
    assert _notes(rpage)[-1] == "resident page poster printed"


def test_a_missing_font_says_what_to_install_and_prints_nothing(city, rpage, client_for, settings):
    settings.FRONTLINE_CJK_FONT = "/nonexistent/font.ttc"
    before = _notes(rpage)
    response = client_for("secretary").get(reverse("resident_page_poster_pdf", args=[rpage.area.pk]))
    assert response.status_code == 503
    body = response.content.decode()
    assert "fonts-noto-cjk" in body and "FRONTLINE_CJK_FONT" in body
    assert _notes(rpage) == before


def test_no_poster_before_the_page_is_published(city, grid, client_for):
    assert client_for("secretary").get(reverse("resident_page_poster_png", args=[grid.pk])).status_code == 404


# --- the desk's list -----------------------------------------------------------------------------------------

def test_the_list_shows_each_grid_its_page_and_todays_submissions_from_the_page(city, rpage, catalogue, client_for):
    from frontline.areas.models import Household

    home = Household.objects.filter(building__area=rpage.area).order_by("id").first()
    order_place(actor=None, household=home, channel=Channel.PAGE, contact_phone="13800138000",
                lines=[LineIn(item_id=catalogue.rice.pk)])
    order_place(actor=city.users["secretary"], household=home, channel=Channel.GRID, contact_phone="13800138000",
                lines=[LineIn(item_id=catalogue.rice.pk)])  # not through the rpage: not counted
    request_submit(actor=None, grid=rpage.area, household=home, kind="appeal", channel=Channel.PAGE,
                   category="supplies", text="缺少蔬菜", contact_phone="13800138000")
    body = client_for("secretary").get(reverse("resident_page_list") + f"?area={city.community.pk}").content.decode()
    rows = re.findall(r'<tr data-testid="resident-page-row">(.*?)</tr>', body, re.S)
    mine = next(r for r in rows if rpage.area.name in r)
    assert '>1</td>' in mine.split('data-testid="orders-today"')[1][:10]
    assert '>1</td>' in mine.split('data-testid="requests-today"')[1][:10]
    assert "0371-12345678" in mine and 'data-testid="page-open"' in mine
    assert len(rows) >= 2  # every grid of the community, published or not
    other = client_for("district2").get(reverse("resident_page_list") + f"?area={city.community.pk}")
    assert other.status_code == 404


def test_navigation_shows_resident_pages_to_the_desk_only(city, client_for):
    assert reverse("resident_page_list") in client_for("secretary").get("/").content.decode()
    assert reverse("resident_page_list") not in client_for("grid").get("/").content.decode()


# --- the demo ------------------------------------------------------------------------------------------------

def test_the_demo_publishes_the_demo_grid_page_once(city):
    from frontline.demo.care_poster import DEMO_HOTLINE, demo_resident_page_create, demo_resident_page_path

    first = demo_resident_page_create()
    again = demo_resident_page_create()
    assert first.pk == again.pk and first.code == again.code and first.area == city.grid and again.active
    assert ResidentPage.objects.filter(area=city.grid).count() == 1
    if first.hotline != DEMO_HOTLINE:  # the public page's demo made it first, with its own hotline
        assert first.hotline
    assert demo_resident_page_path() == f"/r/{first.code}/"
