"""FHIR R4 export and import of a patient's records (``mapping`` builds, ``export`` validates and writes,
``reading`` brings a Bundle back through the store's one merge path)."""
