import PledgeCore

/// The caller of the current request, set by authentication before any handler runs.
public enum RequestPrincipal {
    @TaskLocal public static var current: Principal?
}
