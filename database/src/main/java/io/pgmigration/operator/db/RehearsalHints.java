package io.pgmigration.operator.db;

/** What to do about a statement of the rehearsal that failed, by the server's error. */
final class RehearsalHints {
  private RehearsalHints() {}

  static String hint(String sqlState, String error) {
    String state = sqlState == null ? "" : sqlState;
    if (state.equals("58P01") || error.contains("could not access file")) {
      return "The destination server lacks a shared library the source's object uses: install it"
          + " on the destination (or use an image that has it), or drop the object from the"
          + " source if it is unused.";
    }
    if (state.equals("42501") && error.contains("permission denied for schema")) {
      return "Giving the object to its owner needs that owner to have CREATE on the schema, and the"
          + " schema's grants are restored only after its objects: on the destination, GRANT"
          + " CREATE ON SCHEMA to the owning role first, migrate as a superuser, or set"
          + " spec.ownership: DestinationUser.";
    }
    if (state.equals("42501") && error.contains("must be member of role")) {
      return "The destination's user may not give objects to this role: GRANT the role to it on"
          + " the destination, migrate as a superuser, or set spec.ownership: DestinationUser.";
    }
    if (state.equals("42501")) {
      return "The destination's user may not create this object: migrate with a destination user"
          + " that may (a C function needs a superuser), or drop the object from the source if it"
          + " is unused.";
    }
    if (state.equals("42704") && error.contains("role")) {
      return "A role the source's objects name does not exist on the destination: create it there"
          + " first, or set spec.ownership: CreateRoles to have the copy create it.";
    }
    if (error.contains("extension") || state.equals("0A000") && error.contains("version")) {
      return "The destination does not offer this extension, or this version of it: install it"
          + " there, or upgrade the source's with ALTER EXTENSION … UPDATE.";
    }
    if (error.contains("binary")) {
      return "A column's type cannot travel in COPY's binary format; this is a defect of the copy"
          + " engine: report it, with the table's definition.";
    }
    return "The copy would fail here while the app is in maintenance. Fix the object on the source"
        + " or the destination (the error is the destination server's), then change the spec to"
        + " prepare again.";
  }
}
