import Testing
@testable import KosmosTree
