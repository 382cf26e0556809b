"""The Jinja2 environment for fiche templates: sandboxed, file access only inside the template folders.

Templates travel between colleagues by e-mail, so a template is untrusted
input: it renders in ``jinja2.sandbox.ImmutableSandboxedEnvironment`` (no
access to Python internals such as ``__class__``/``__globals__``, no changing
of data), its loader only reads files that really lie inside the given
folders (no ``..``, no symlinks leading out), and the helper globals that are
the usual stepping stones (``cycler``, ``joiner``, ``lipsum``) are removed.
An attempt is refused with :class:`TemplateSecurityError` (Dutch message).
Pure Python (Jinja2 imported when called).
"""

import os


def _security_error_class():
    from jinja2.sandbox import SecurityError

    class TemplateSecurityError(SecurityError):
        """A template tried to reach Python internals or files outside its folder."""

    TemplateSecurityError.__module__ = __name__
    return TemplateSecurityError


_ERR = None


def security_error():
    global _ERR
    if _ERR is None:
        _ERR = _security_error_class()
    return _ERR


def _message(detail):
    return ("Sjabloon geweigerd: het probeert {}. Sjablonen mogen alleen de gegevens van het project tonen, "
            "niet bij Python of bij bestanden buiten de sjabloonmap komen. Gebruik het standaardsjabloon of laat "
            "het sjabloon nakijken.").format(detail)


def environment(dirs, **options):
    """A sandboxed Jinja2 environment reading templates only from ``dirs`` (first match wins)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    err = security_error()
    roots = [os.path.realpath(d) for d in dirs]

    class FolderLoader(jinja2.FileSystemLoader):
        def get_source(self, environment, template):
            try:
                source, filename, uptodate = super().get_source(environment, template)
            except jinja2.TemplateNotFound:
                if ".." in template.replace("\\", "/").split("/"):
                    raise err(_message("een bestand buiten de sjabloonmap te lezen ('{}')".format(template))) from None
                raise
            real = os.path.realpath(filename)
            if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
                raise err(_message("een bestand buiten de sjabloonmap te lezen ('{}')".format(template)))
            return source, filename, uptodate

    class Sandbox(ImmutableSandboxedEnvironment):
        def unsafe_undefined(self, obj, attribute):
            raise err(_message("'{}' van een {} te gebruiken (niet toegestaan in een sjabloon)".format(
                attribute, type(obj).__name__)))

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - jinja2's signature
            if not __self.is_safe_callable(__obj):
                raise err(_message("een onveilige functie aan te roepen"))
            return super().call(__context, __obj, *args, **kwargs)

    env = Sandbox(loader=FolderLoader(dirs), **options)
    for name in ("cycler", "joiner", "lipsum"):
        env.globals.pop(name, None)
    return env
