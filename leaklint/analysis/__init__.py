"""Facts the rules query. `project` (the project pass: one summary per file, merged into an
index) and `lifetime` (multiplicity, holder lifetime, growth driver, resource types, removal
anywhere) answer questions that one file alone cannot."""
