"""Clients for services outside the process (model servers), shared by the
summarizers and metrics that call them. Below both in the layering: this
package imports neither."""
