"""Custom actions of SI KoKoM, served by the rasa-sdk action server (port 5055).

Actions stay thin: facts come from ``kokom.office`` (office/kelurahan.yml) and
everything stored goes through ``kokom.cases``.
"""
