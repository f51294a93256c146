extension FlattenedDeviceTree {
    /// What is wrong with the tree, one line per problem, each naming the node's path;
    /// empty for a tree that follows the naming rules of the Devicetree Specification
    /// v0.4 chapter 2 and fits the blob format.
    ///
    /// Checked: node names (section 2.2.1: 1 to 31 characters from `[0-9a-zA-Z,._+-]`
    /// starting with a letter, then an optional `@unit-address`), property names
    /// (section 2.2.4.1: 1 to 31 characters from `[0-9a-zA-Z,._+?#-]`), siblings with
    /// the same name, properties given twice in a node, and a blob larger than the
    /// header's 32-bit fields can describe.
    public func problems() -> [String] {
        var problems: [String] = []
        check(root, path: "/", isRoot: true, into: &problems)
        let size = blob().count
        if UInt64(size) > UInt64(UInt32.max) {
            problems.append("the blob is \(size) bytes, more than a 32-bit header can describe")
        }
        return problems
    }

    private func check(_ node: DeviceTreeNode, path: String, isRoot: Bool, into problems: inout [String]) {
        if !isRoot, let problem = Self.nodeNameProblem(node.name) {
            problems.append("\(path): \(problem)")
        }
        var seenProperties: Set<String> = []
        for property in node.properties {
            if let problem = Self.propertyNameProblem(property.name) {
                problems.append("\(path): \(problem)")
            }
            if !seenProperties.insert(property.name).inserted {
                problems.append("\(path): property \"\(property.name)\" appears twice")
            }
        }
        var seenChildren: Set<String> = []
        for child in node.children {
            if !seenChildren.insert(child.name).inserted {
                problems.append("\(path): two children are called \"\(child.name)\"")
            }
            let childPath = isRoot ? "/\(child.name)" : "\(path)/\(child.name)"
            check(child, path: childPath, isRoot: false, into: &problems)
        }
    }

    private static let nodeNameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,._+-")
    private static let propertyNameCharacters = nodeNameCharacters.union("?#")

    static func nodeNameProblem(_ name: String) -> String? {
        let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let base = parts[0]
        guard (1...31).contains(base.count) else {
            return "node name \"\(name)\" must have 1 to 31 characters before any @"
        }
        guard let first = base.first, first.isASCII, first.isLetter,
              base.allSatisfy(nodeNameCharacters.contains) else {
            return "node name \"\(name)\" must start with a letter and use only [0-9a-zA-Z,._+-]"
        }
        if parts.count == 2 {
            let unitAddress = parts[1]
            guard !unitAddress.isEmpty, unitAddress.allSatisfy(nodeNameCharacters.contains) else {
                return "unit address of \"\(name)\" must be non-empty and use only [0-9a-zA-Z,._+-]"
            }
        }
        return nil
    }

    static func propertyNameProblem(_ name: String) -> String? {
        guard (1...31).contains(name.count), name.allSatisfy(propertyNameCharacters.contains) else {
            return "property name \"\(name)\" must have 1 to 31 characters from [0-9a-zA-Z,._+?#-]"
        }
        return nil
    }
}
