/// A node of a device tree: a name, properties and child nodes.
///
/// The name is `node-name@unit-address` as in the Devicetree Specification v0.4
/// section 2.2.1 (for example `serial@10000000`); the root node's name is empty.
public struct DeviceTreeNode: Sendable, Equatable {
    public var name: String
    public var properties: [DeviceTreeProperty]
    public var children: [DeviceTreeNode]

    public init(_ name: String, properties: [DeviceTreeProperty] = [], children: [DeviceTreeNode] = []) {
        self.name = name
        self.properties = properties
        self.children = children
    }

    /// The property called `name`, if the node has one.
    public func property(_ name: String) -> DeviceTreeProperty? {
        properties.first { $0.name == name }
    }

    /// The direct child called `name`, if there is one.
    public func child(_ name: String) -> DeviceTreeNode? {
        children.first { $0.name == name }
    }

    /// The descendant at a path relative to this node, such as `soc/serial@10000000`
    /// (a leading `/` is accepted, so a root node answers absolute paths).
    public func node(at path: String) -> DeviceTreeNode? {
        var node = self
        for component in path.split(separator: "/") {
            guard let next = node.child(String(component)) else { return nil }
            node = next
        }
        return node
    }
}
