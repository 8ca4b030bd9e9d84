"""A plug-in module whose own import is broken: discovery must not hide that."""

import no_such_module_for_the_plugin_test  # noqa: F401
