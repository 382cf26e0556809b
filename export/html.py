"""Jinja2 templates (``templates/*.html.j2``) -> HTML text.  Pure Python, autoescape on.

A province can edit the templates in the plugin's ``templates/`` folder, or put
its own copies in a folder passed as ``template_dir`` (searched first).
"""

import os

from ..formatting import fmt_mw
from ..knooppunten.balance import status_palette

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
DEFAULT_FONT_PT = 8.6
MIN_FONT_PT = 7.0
# WebKit snaps font sizes to whole pixels (1 px = 1 pt here): the sizes worth trying when shrinking
FONT_STEPS = (8.0, 7.5, 7.0)

_ENVS = {}


def environment(template_dir=None):
    key = template_dir or ""
    env = _ENVS.get(key)
    if env is None:
        from ..deps import require

        require("jinja2")
        import jinja2

        from .sandbox import environment as sandboxed

        dirs = ([template_dir] if template_dir else []) + [TEMPLATE_DIR]
        env = sandboxed(  # templates are shared by e-mail: sandboxed, no files outside these folders
            dirs,
            autoescape=True,  # every value is data, never markup
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.ChainableUndefined,
        )
        env.filters["mw"] = fmt_mw
        env.globals["status_palette"] = status_palette()  # the one palette of balance statuses (badges)
        _ENVS[key] = env
    return env


def render(name, template_dir=None, **variables):
    variables.setdefault("font_pt", DEFAULT_FONT_PT)
    return environment(template_dir).get_template(name).render(**variables)


def fiche_html(project, footer, mode="layout", map_image=None, font_pt=DEFAULT_FONT_PT, template_dir=None):
    return render("projectfiche.html.j2", template_dir, p=project, footer=footer, mode=mode, map_image=map_image,
                  font_pt=font_pt)
