"""The progress report: ``content`` decides what it says (from core), ``pdf`` lays it out and writes or
prints it, ``command`` backs ``rehabtrack report``. Import the submodules; this package imports no Qt."""
