"""One module per ``bench`` sub-command; each has ``add_parser`` and ``main``.

Modules import their heavy dependencies inside ``main`` so that ``bench --help``
stays fast.
"""
