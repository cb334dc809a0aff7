//! Circles of files: the strongly connected components of the import graph (Tarjan's
//! algorithm) that hold more than one file.

use super::workspace::Import;

/// Each circle's files, in index order.
pub fn find(files: usize, imports: &[Import]) -> Vec<Vec<usize>> {
    let mut nodes: Vec<Node> = (0..files).map(|_| Node::default()).collect();
    for import in imports {
        if let Some(node) = nodes.get_mut(import.from) {
            node.next.push(import.to);
        }
    }
    let mut tarjan = Tarjan {
        nodes,
        stack: Vec::new(),
        counter: 0,
        circles: Vec::new(),
    };
    for file in 0..files {
        if tarjan.node(file).index.is_none() {
            tarjan.visit(file);
        }
    }
    tarjan.circles
}

#[derive(Default, Clone)]
struct Node {
    next: Vec<usize>,
    index: Option<usize>,
    low: usize,
    on_stack: bool,
}

struct Tarjan {
    nodes: Vec<Node>,
    stack: Vec<usize>,
    counter: usize,
    circles: Vec<Vec<usize>>,
}

impl Tarjan {
    fn node(&self, file: usize) -> Node {
        self.nodes.get(file).cloned().unwrap_or_default()
    }

    fn update(&mut self, file: usize, change: impl FnOnce(&mut Node)) {
        if let Some(node) = self.nodes.get_mut(file) {
            change(node);
        }
    }

    fn visit(&mut self, file: usize) {
        let counter = self.counter;
        self.update(file, |n| {
            n.index = Some(counter);
            n.low = counter;
            n.on_stack = true;
        });
        self.counter += 1;
        self.stack.push(file);
        for to in self.node(file).next {
            let next = self.node(to);
            let reached = match next.index {
                None => {
                    self.visit(to);
                    Some(self.node(to).low)
                }
                Some(index) => next.on_stack.then_some(index),
            };
            if let Some(low) = reached {
                self.update(file, |n| n.low = n.low.min(low));
            }
        }
        let node = self.node(file);
        if Some(node.low) == node.index {
            self.close(file);
        }
    }

    /// Pops the component `file` heads; a circle when it holds more than one file.
    fn close(&mut self, file: usize) {
        let mut component = Vec::new();
        while let Some(top) = self.stack.pop() {
            self.update(top, |n| n.on_stack = false);
            component.push(top);
            if top == file {
                break;
            }
        }
        if component.len() > 1 {
            component.sort_unstable();
            self.circles.push(component);
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn import(from: usize, to: usize) -> Import {
        Import { from, to, line: 1 }
    }

    #[test]
    fn a_circle_is_found_and_a_chain_is_not() {
        let imports = [
            import(0, 1),
            import(1, 2),
            import(2, 0),
            import(2, 3),
            import(3, 4),
        ];
        assert_eq!(find(5, &imports), vec![vec![0, 1, 2]]);
        assert!(find(5, &imports[1..]).is_empty());
    }
}
