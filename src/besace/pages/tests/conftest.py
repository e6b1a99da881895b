import pytest

from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.pages import services
from besace.pages.models import Block, Page
from besace.pages.services import BlockContent


@pytest.fixture
def make_page(earner):
    def make(visibility: str = Page.Visibility.PUBLIC, password: str = "", **fields) -> Page:
        return services.page_create(
            owner=fields.pop("owner", earner),
            title=fields.pop("title", "My portfolio"),
            theme=fields.pop("theme", Page.Theme.CLAIR),
            visibility=visibility,
            password=password,
        )

    return make


@pytest.fixture
def add_block(earner):
    """Add a block as the page's owner would (through the service)."""

    def add(page: Page, kind: str, **content) -> Block:
        return services.block_add(page=page, actor=page.owner, kind=kind, content=BlockContent(**content))

    return add
