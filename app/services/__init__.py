"""The rules of the domain, one room (sub-package) per part of it. Services are plain functions
on models: no request objects, no templates; they flush and raise DomainError, the unit of work
commits. See docs/ARCHITECTURE.md."""
