"""The request class: form fields without a usable name are dropped while parsing."""

from __future__ import annotations

import flask


class Request(flask.Request):
    """A multipart part with no name (or a name with a quote or line break in it) reaches
    Werkzeug's form as the key None, which no form library expects: every form would fail
    with a 500 on it. No browser sends such a part, so it is ignored, like an unknown field."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        for name in ("form", "files"):
            data = self.__dict__[name]
            if all(isinstance(key, str) for key in data):
                continue
            kept = []
            for key, value in data.items(multi=True):
                if isinstance(key, str):
                    kept.append((key, value))
                elif hasattr(value, "close"):
                    value.close()  # a file part: its temporary file goes now
            self.__dict__[name] = self.parameter_storage_class(kept)
