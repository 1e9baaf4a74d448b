package io.pgmigration.operator.phase.port;

/**
 * Everything the phase handlers may use besides the migration itself, one port per concern. The
 * operator wires the live side of each; the tests wire a scripted side.
 */
public record Ports(
    Clock clock,
    Preparation preparation,
    Maintenance maintenance,
    Copying copying,
    Replication replication,
    Promotion promotion,
    Notices notices,
    Notifications notifications,
    Destinations destinations) {}
