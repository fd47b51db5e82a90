import pytest
from django.test import Client
import re, html as h

@pytest.mark.django_db
def test_render():
    for code in ("JNTS", "WGFH", "SYBZJ"):
        page = Client().get(f"/subsidies/guides/{code}/").content.decode()
        main = page[page.index("<main"):page.index("</main>")]
        text = re.sub(r"<[^>]+>", " ", main)
        text = re.sub(r"\s+", " ", h.unescape(text))
        print("\n=====", code, "\n", text)
