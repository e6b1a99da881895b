"""In a real browser, in English and in French: the main pages have no serious or critical accessibility
violation by axe-core, every image has a text alternative, they fit a 375 px wide phone, and the log-in
and award forms work with the keyboard alone.

One browser for the module; each test makes the site's data once and walks every page with it."""

import re
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from besace.backpack import organise
from besace.backpack.models import Visibility
from besace.backpack.services import assertion_accept
from besace.demo.images import badge_png
from besace.gallery.keys import achievement_id, badge_class_key
from besace.issuing import services as issuing
from besace.issuing.claims import claim_token_make
from besace.issuing.models import AwardJob
from besace.pages import services as pages
from besace.pages.models import Block, Page
from besace.profiles.services import profile_for
from besace.testing.browser import BROWSER_TEST, SCREENSHOTS, chromium

pytestmark = BROWSER_TEST


PASSWORD = "a long owner passphrase"
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
# What axe calls serious or critical keeps people out; moderate and minor ones are worth fixing but do not.
BLOCKING = {"serious", "critical"}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def site(transactional_db, settings, live_server, make_user):
    """A university issuer whose owner also earns badges, shares them and has connected an app; the
    main pages, by who sees them: the owner (signed in) or a visitor."""
    settings.BESACE_BASE_URL = live_server.url
    owner = make_user("lea.martin@univ.example", password=PASSWORD)
    owner.first_name, owner.last_name = "Léa", "Martin"
    owner.save()
    issuer = issuing.issuer_create(
        owner=owner, name="Université de Caen", url="https://univ.example", email="badges@univ.example"
    )

    def badge(name: str):
        return issuing.badge_class_create(
            issuer=issuer,
            actor=owner,
            name=name,
            description=f"Reconnaît : {name}.",
            image=ContentFile(badge_png(), name="badge.png"),
            criteria_text="Réussir le projet **final**.",
            tags=["numérique"],
        )

    python, teamwork = badge("Python"), badge("Travail en équipe")
    assertion = issuing.badge_award(
        badge_class=python, award=issuing.AwardRequest(email=owner.email, name="Léa Martin"), actor=owner
    )
    entry = assertion_accept(assertion=assertion, user=owner)
    organise.badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=owner)
    pending = issuing.badge_award(
        badge_class=teamwork, award=issuing.AwardRequest(email=owner.email), actor=owner
    )
    # A bulk award under way (not queued: it stays at its start, its page polls for progress).
    award_job = AwardJob.objects.create(
        badge_class=python, created_by=owner, rows=[{"email": "a@example.org"}] * 200, total=200
    )
    collection = organise.collection_create(owner=owner, name="Mes compétences", visibility=Visibility.PUBLIC)
    organise.collection_badge_add(collection=collection, entry=entry, actor=owner)
    portfolio = pages.page_create(
        owner=owner, title="Mon portfolio", theme=Page.Theme.CLAIR, visibility=Page.Visibility.PUBLIC
    )
    for kind, content in (
        (Block.Kind.HEADING, pages.BlockContent(text="Mes badges")),
        (Block.Kind.TEXT, pages.BlockContent(text="Ce que j'ai appris cette année.")),
        (Block.Kind.BADGE, pages.BlockContent(badge=entry)),
        (Block.Kind.COLLECTION, pages.BlockContent(collection=collection)),
        (Block.Kind.PROFILE, pages.BlockContent()),
    ):
        pages.block_add(page=portfolio, actor=owner, kind=kind, content=content)
    profile = profile_for(owner)
    profile.visibility, profile.city, profile.country, profile.show_on_map = "public", "Caen", "FR", True
    profile.save()

    # An app registered as Moodle does, connected, and the consent screen it shows.
    signed_in = Client()
    signed_in.force_login(owner)
    registered = (
        Client()
        .post(
            "/oauth/register",
            {
                "client_name": "Moodle de l'Université",
                "client_uri": "https://moodle.example/",
                "redirect_uris": ["https://moodle.example/admin/oauth2callback.php"],
                "token_endpoint_auth_method": "client_secret_basic",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "scope": "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
            },
            content_type="application/json",
        )
        .json()
    )
    consent_screen = "/oauth/authorize?" + urlencode(
        {
            "client_id": registered["client_id"],
            "response_type": "code",
            "redirect_uri": "https://moodle.example/admin/oauth2callback.php",
            "state": "moodle",
            "scope": "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
        }
    )
    newcomer = make_user("nouveau@example.org", consent=False)
    asking = Client()
    asking.force_login(newcomer)

    key = badge_class_key(achievement_id(entry))
    owner_pages = {
        "home": "/",
        "backpack": "/backpack/",
        "badge detail": f"/backpack/badges/{entry.public_id}/",
        "import": "/backpack/import/",
        "collections": f"/backpack/collections/{collection.public_id}/",
        "collection edit": f"/backpack/collections/{collection.public_id}/edit/",
        "my pages": "/pages/",
        "page editor": f"/pages/{portfolio.public_id}/edit/",
        "account e-mails": "/accounts/email/",
        "account security": "/accounts/security/",
        "connected apps": "/accounts/connected-apps/",
        "profile settings": "/people/me/",
        "oauth consent": consent_screen,
        "issuers": "/issuers/",
        "issuer": f"/issuers/{issuer.public_id}/",
        "issuer edit": f"/issuers/{issuer.public_id}/edit/",
        "badge class create": f"/issuers/{issuer.public_id}/badges/new/",
        "badge class": f"/issuers/badges/{python.public_id}/",
        "bulk award": f"/issuers/badges/{python.public_id}/award-csv/",
        "bulk award progress": f"/issuers/award-jobs/{award_job.public_id}/",
    }
    visitor_pages = {
        "home (visitor)": "/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password reset": "/accounts/password/reset/",
        "claim (pending badge)": f"/claim/{claim_token_make(pending)}/",
        "portfolio page": f"/pages/{portfolio.public_id}/",
        "public badge": f"/badges/{entry.public_id}/",
        "public collection": f"/collections/{collection.public_id}/",
        "public assertion": f"/public/assertions/{assertion.public_id}",
        "public badge class": f"/public/badges/{python.public_id}",
        "public issuer": f"/public/issuers/{issuer.public_id}",
        "gallery search": "/gallery/?q=Python",
        "gallery badge recipients": f"/gallery/badges/{key}/",
        "gallery profiles": "/gallery/profiles/",
        "gallery map": "/gallery/map/",
        "profile": f"/people/{profile.slug}/",
        "verify": "/verify/",
        "help": "/help/",
        "data protection": "/accounts/data-protection/",
    }
    return {
        "base": live_server.url,
        "owner": (signed_in, owner_pages),
        "visitor": (None, visitor_pages),
        "newcomer": (asking, {"data-protection consent": "/accounts/consent/"}),
        "badge class": f"/issuers/badges/{python.public_id}/",
        "assertion url": assertion.public_url,
    }


def contexts(browser, site, language: str, **options):
    """A browser tab per kind of visitor, in `language`, with the pages that visitor sees."""
    for who in ("owner", "visitor", "newcomer"):
        client, paths = site[who]
        context = browser.new_context(locale=LOCALES[language], **options)
        if client is not None:
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site["base"]}]
            )
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        yield tab, paths
        context.close()


def visit(tab, base: str, name: str, path: str, language: str) -> None:
    response = tab.goto(base + path)
    assert response.status == 200, f"{name} ({path}): HTTP {response.status}"
    assert tab.locator("html").get_attribute("lang") == language, name


def blocking_violations(axe, tab, name: str) -> list[str]:
    found = []
    for violation in axe.run(tab).response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [node["target"] for node in violation["nodes"]][:5]
            found.append(f"{name} ({tab.url}): {violation['id']} [{violation['impact']}] {targets}")
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_axe_finds_no_serious_or_critical_violation(browser, site, language, monkeypatch):
    axe = Axe()
    found = []
    for tab, paths in contexts(browser, site, language):
        for name, path in paths.items():
            visit(tab, site["base"], name, path, language)
            found += blocking_violations(axe, tab, name)
        if "verify" in paths:
            # The verification's result, with its list of checks: the assertion is on this live server.
            monkeypatch.setenv("BESACE_FETCH_ALLOW_LOOPBACK", "1")
            visit(tab, site["base"], "verify", paths["verify"], language)
            tab.fill("input[name=url]", site["assertion url"])
            with tab.expect_navigation():
                tab.locator("main form button[type=submit]").click()
            assert tab.locator("main .status.ok").is_visible()  # "This badge is valid."
            found += blocking_violations(axe, tab, "verification result")
    assert found == [], "\n".join(found)


def test_every_image_has_a_text_alternative(browser, site):
    """alt="" is right for a decorative image (a badge's picture beside its name); a missing alt is not."""
    found = []
    for tab, paths in contexts(browser, site, "fr"):
        for name, path in paths.items():
            visit(tab, site["base"], name, path, "fr")
            for image in tab.locator("img").all():
                alt = image.get_attribute("alt")
                if alt is None or (alt and not alt.strip()):
                    found.append(f"{name}: {image.evaluate('node => node.outerHTML')[:200]}")
                elif alt and re.search(r"\.(png|svg|jpe?g)$|^image$", alt, re.IGNORECASE):
                    found.append(f"{name}: alt {alt!r} names a file, not what the image shows")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_main_page_fits_a_375_px_phone(browser, site, language):
    folder = SCREENSHOTS / "responsive"
    folder.mkdir(parents=True, exist_ok=True)
    axe, found = Axe(), []
    for tab, paths in contexts(browser, site, language, viewport=PHONE):
        for name, path in paths.items():
            visit(tab, site["base"], name, path, language)
            width = tab.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                wide = tab.evaluate(
                    """limit => [...document.querySelectorAll("body *")]
                        .filter(node => node.getBoundingClientRect().right > limit + 1)
                        .filter(node => !node.closest(".table-scroll"))
                        .slice(0, 5).map(node => node.outerHTML.slice(0, 120))""",
                    PHONE["width"],
                )
                found.append(f"{name} ({path}): {width}px wide, {wide}")
            # Every link of the main navigation is on screen or one scroll away, not cut off sideways.
            for link in tab.locator("header nav a").all():
                box = link.bounding_box()
                if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
                    found.append(f"{name}: navigation link {link.inner_text()!r} out of reach")
            # What scrolls sideways (a wide table) can be scrolled with the keyboard too.
            scrolling = axe.run(tab, options={"runOnly": ["scrollable-region-focusable"]})
            found += [
                f"{name}: {v['id']} {[n['target'] for n in v['nodes']]}"
                for v in scrolling.response["violations"]
            ]
            slug = re.sub(r"\W+", "-", name).strip("-")
            tab.screenshot(path=folder / f"{language}-{slug}.png", full_page=True)
    assert found == [], "\n".join(found)


def focused(tab) -> dict:
    """What has the keyboard focus, and whether it shows it (an outline or a shadow)."""
    return tab.evaluate(
        """() => {
            const node = document.activeElement, style = getComputedStyle(node);
            return {
                html: node.outerHTML.slice(0, 120),
                name: node.getAttribute("name"),
                id: node.id,
                // Not :focus while active: the focus is in the browser's own controls (a date field's
                // calendar button), which draw their own focus ring.
                shown: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                    || style.boxShadow !== "none" || !node.matches(":focus"),
                top: node.getBoundingClientRect().top,
            };
        }"""
    )


def tab_to(tab, selector: str, unseen: list, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus; note each focused element that does not show it."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        now = focused(tab)
        if not now["shown"]:
            unseen.append(now["html"])
        if tab.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never got the focus in {limit} Tabs")


def test_log_in_and_award_with_the_keyboard_alone(browser, site):
    base, unseen = site["base"], []
    context = browser.new_context(locale=LOCALES["fr"])
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto(f"{base}/accounts/login/")

    # The first Tab shows the skip link; Enter takes the focus to the page's content.
    tab.keyboard.press("Tab")
    skip = focused(tab)
    assert 'class="skip-link"' in skip["html"] and skip["shown"] and skip["top"] >= 0, skip
    tab.screenshot(path=SCREENSHOTS / "keyboard-skip-link.png")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    assert tab.url.endswith("#main")

    # A wrong password first: the error is said, and the page stays accessible.
    tab_to(tab, "input[name=login]", unseen)
    tab.keyboard.type("lea.martin@univ.example")
    tab_to(tab, "input[name=password]", unseen)
    tab.keyboard.type("not my passphrase")
    tab_to(tab, "form.account-form button[type=submit]", unseen)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.locator("form.account-form .errorlist").is_visible()
    blocking = [v["id"] for v in Axe().run(tab).response["violations"] if v["impact"] in BLOCKING]
    assert blocking == []

    tab_to(tab, "input[name=password]", unseen)
    tab.keyboard.type(PASSWORD)
    tab_to(tab, "form.account-form button[type=submit]", unseen)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r".*/backpack/$"))

    # The award form of the badge page, field by field, sent with the space bar.
    tab.goto(base + site["badge class"])
    tab_to(tab, "form[action$='/award/'] input[name=email]", unseen)
    tab.keyboard.type("camille@example.org")
    tab_to(tab, "form[action$='/award/'] input[name=name]", unseen)
    tab.keyboard.type("Camille Dupont")
    tab_to(tab, "form[action$='/award/'] button[type=submit]", unseen)
    with tab.expect_navigation():
        tab.keyboard.press("Space")
    assert tab.locator(".messages li.success").is_visible()
    assert "Camille Dupont" in tab.inner_text("table.awards")
    tab.screenshot(path=SCREENSHOTS / "keyboard-award.png", full_page=True)
    context.close()
    assert unseen == [], "focused without a visible focus indicator:\n" + "\n".join(unseen)


def test_a_form_error_is_tied_to_its_field(browser, site):
    """A screen reader on the field hears its error: aria-invalid, and aria-describedby naming the error."""
    context = browser.new_context(locale=LOCALES["fr"])
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto(site["base"] + "/accounts/signup/")
    tab.fill("input[name=email]", "camille@example.org")
    tab.fill("input[name=password1]", "a long earner passphrase")
    tab.fill("input[name=password2]", "another long passphrase")
    tab.check("input[name=accept_data_protection]")
    with tab.expect_navigation():
        tab.click("form.account-form button[type=submit]")
    field = tab.locator("input[name=password2]")
    assert field.get_attribute("aria-invalid") == "true"
    described = [tab.locator(f"[id='{id_}']") for id_ in field.get_attribute("aria-describedby").split()]
    errors = [node.inner_text() for node in described if "errorlist" in (node.get_attribute("class") or "")]
    assert errors and all(error.strip() for error in errors)
    blocking = [v["id"] for v in Axe().run(tab).response["violations"] if v["impact"] in BLOCKING]
    assert blocking == []
    context.close()
