import Testing
@testable import KosmosNet
