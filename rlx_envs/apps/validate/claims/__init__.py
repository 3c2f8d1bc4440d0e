"""The claims of the validation suite, one module each."""
