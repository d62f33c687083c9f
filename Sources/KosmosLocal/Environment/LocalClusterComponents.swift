import KosmosAPI
import Logging

/// Starts what runs beside a local cluster's API server: its controllers and one simulated kubelet per node.
enum LocalClusterComponents {
    /// Starts the components as tasks that end when cancelled.
    static func start(plan: LocalClusterPlan, options: LocalEnvironmentOptions, client: KubeClient,
                      logger: Logger) -> [Task<Void, Never>] {
        []
    }
}
