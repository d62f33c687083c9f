import ServiceLifecycle

// ClusterLink's long-running parts are swift-service-lifecycle services: each runs until its task is cancelled.
extension ClusterLinkAgent: Service {}
extension GatewayElector: Service {}
extension ClusterLinkControllerManager: Service {}
extension NetworkManager: Service {}
