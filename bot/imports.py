"""Importing one module of a package whose own module (`__init__`) imports far more.

Python runs a package's `__init__` before any module inside it, and some libraries' import
everything there: `sqlalchemy.ext.asyncio` the whole ORM, `holidays.countries` every
country. `submodule_alone` loads just the module asked for; the package's own code then runs
the first time anything asks the package for a name, so any other importer still finds it
complete (`from holidays.countries import France` works as before, only later).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_completing = threading.RLock()


def submodule_alone(package: str, name: str) -> ModuleType:
    """The module `package.name`, imported without running `package`'s own module first
    (when nothing has imported the package yet), its parent packages imported as usual."""
    if package not in sys.modules:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.loader is not None and spec.submodule_search_locations:
            _defer(package, spec.loader, importlib.util.module_from_spec(spec), name)
    return importlib.import_module(f"{package}.{name}")


def _defer(package: str, loader: Any, module: ModuleType, name: str) -> None:
    """Put the package in place unexecuted, import the module, then hook the package's
    module to run on the first name asked of the package."""
    sys.modules[package] = module
    try:
        # The module may ask its package for a sibling (`from . import exc`): that must find
        # the sibling module, not run the package, so the hook goes in afterwards.
        importlib.import_module(f"{package}.{name}")
    except BaseException:
        del sys.modules[package]
        raise

    def complete(attribute: str) -> Any:
        """Run the package's own module once, then answer as it would."""
        with _completing:
            if module.__dict__.get("__getattr__") is complete:
                del module.__dict__["__getattr__"]
                loader.exec_module(module)
        return getattr(module, attribute)

    module.__dict__["__getattr__"] = complete
