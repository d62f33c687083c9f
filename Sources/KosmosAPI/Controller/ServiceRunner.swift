import CoreMetrics
import Logging
import ServiceLifecycle

// Every long-running piece is a swift-service-lifecycle `Service`: each `run()` works until its task is
// cancelled, which is how a `ServiceGroup` stops it.
extension Controller: ServiceLifecycle.Service {}
extension SharedInformer: ServiceLifecycle.Service {}
extension SharedInformerFactory: ServiceLifecycle.Service {}
extension LeaderElector: ServiceLifecycle.Service {}
extension HealthServer: ServiceLifecycle.Service {}

/// Runs an executable's services in one `ServiceGroup` until SIGTERM or SIGINT, optionally beside a
/// ``HealthServer`` with `/healthz`, `/readyz` and Prometheus `/metrics`.
///
/// ```swift
/// try await ServiceRunner.run([agent], healthPort: 10_256, readiness: ["synced": { agent.status.syncs > 0 }],
///                             logger: logger)
/// ```
public enum ServiceRunner {
    /// Runs `services` (and the health server when `healthPort` is set) until a termination signal, then cancels
    /// them and waits for them to end.
    /// - Parameters:
    ///   - services: the long-running parts.
    ///   - healthPort: the port of `/healthz`, `/readyz`, `/metrics` (0 picks one); nil for none.
    ///   - readiness: named checks of `/readyz`.
    ///   - logger: where the group logs start and stop.
    /// - Throws: `HealthServerError` when the port cannot be bound, or the first service error.
    public static func run(_ services: [any ServiceLifecycle.Service], healthPort: Int? = nil,
                           readiness: [String: HealthServer.Check] = [:], logger: Logger) async throws {
        var all = services
        if let healthPort {
            let metrics = PrometheusMetrics()
            MetricsSystem.bootstrap(metrics)
            let server = try HealthServer(port: healthPort, metrics: metrics, readiness: readiness)
            logger.info("health and metrics on :\(server.port) (/healthz /readyz /metrics)")
            all.append(server)
        }
        let group = ServiceGroup(configuration: .init(
            services: all.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            cancellationSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
