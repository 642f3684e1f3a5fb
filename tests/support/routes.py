"""Every URL pattern of the site, found by walking the URL resolver: the tenant-isolation and
role suites run over this list, so a route added later is covered without editing them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lscp.tenancy import url_kwarg_models

WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple[str, ...]
    callback: object

    @property
    def is_tenant(self) -> bool:
        return "slug" in self.kwargs

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def methods(self) -> set[str]:
        """The HTTP methods this route answers (other than 405)."""
        actions = getattr(self.callback, "actions", None)
        if actions:  # a DRF viewset route
            return set(actions)
        view = self.view_class
        return {m for m in view.http_method_names if hasattr(view, m) and m not in ("options", "head")}

    @property
    def write_methods(self) -> set[str]:
        return self.methods & set(WRITE_METHODS)

    def policy_and_permission(self, method: str):
        view = self.view_class
        policy = getattr(view, "policy", None)
        actions = getattr(self.callback, "actions", None)
        if actions:
            action_name = actions[method]
            if action_name in getattr(view, "action_policies", {}):
                return view.action_policies[action_name]
            return policy, view.action_permissions.get(action_name, "manage" if method in WRITE_METHODS else "view")
        return policy, getattr(view, "permission", "view")

    def url(self, slug: str, objects: dict) -> str:
        """This route with `slug`, and each object kwarg filled from `objects` ({model: instance})."""
        models = url_kwarg_models()
        kwargs = {}
        for name in self.kwargs:
            if name == "slug":
                kwargs[name] = slug
                continue
            if name not in models:
                raise AssertionError(
                    f"URL {self.pattern!r} takes <{name}>, which no tenant-owned model claims as its url_kwarg"
                )
            kwargs[name] = getattr(objects[models[name]], models[name].url_field)
        return reverse(self.name, kwargs=kwargs)


def _kwarg_names(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.regex.groupindex)


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, kwargs: list[str], namespace: str):
        for entry in patterns:
            names = kwargs + _kwarg_names(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), names, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                routes.append(
                    Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), tuple(names), entry.callback)
                )

    walk(get_resolver().url_patterns, "", [], "")
    return routes


def tenant_routes() -> list[Route]:
    return [route for route in all_routes() if route.is_tenant]
