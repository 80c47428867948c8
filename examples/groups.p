/* Abelian groups, proven from the axioms of the groups theory.
   Check with:  telos check examples/groups.p --theory groups */

/* a * e = a: the right identity, from commutativity and the left identity. */
theorem op_id_r : [('a : G) -> (= (op 'a id) 'a)] {
    intro a : G.
    show (= (op a id) (op id a)) by op_comm.
    show (= (op id a) a) by id_l.
    show (= (op a id) a) by rewrite.
}

/* a * a⁻¹ = e: the right inverse, from commutativity and the left inverse. */
theorem inv_r : [('a : G) -> (= (op 'a (inv 'a)) id)] {
    intro a : G.
    show (= (op a (inv a)) (op (inv a) a)) by op_comm.
    show (= (op (inv a) a) id) by inv_l.
    show (= (op a (inv a)) id) by rewrite.
}

/* e⁻¹ = e: the identity is its own inverse (op_id_r at e⁻¹, then inv_l at e). */
theorem inv_id : (= (inv id) id) {
    show (= (op (inv id) id) (inv id)) by op_id_r.
    show (= (op (inv id) id) id) by inv_l.
    show (= (inv id) id) by rewrite.
}

/* a⁻¹ * (a * b) = b: multiplying by a then by its inverse cancels (assoc, inv_l, id_l). */
theorem inv_op_cancel : [('a : G) -> ('b : G) -> (= (op (inv 'a) (op 'a 'b)) 'b)] {
    intro a : G.
    intro b : G.
    show (= (op (op (inv a) a) b) (op (inv a) (op a b))) by op_assoc.
    show (= (op (inv a) a) id) by inv_l.
    show (= (op id b) (op (inv a) (op a b))) by rewrite.
    show (= (op id b) b) by id_l.
    show (= b (op (inv a) (op a b))) by rewrite.
    show (= (op (inv a) (op a b)) b) by eq_symm.
}

/* a * b = a * c implies b = c: left cancellation, via inv_op_cancel on both sides. */
theorem op_cancel_l : [('a : G) -> ('b : G) -> ('c : G) -> (= (op 'a 'b) (op 'a 'c)) -> (= 'b 'c)] {
    intro a : G.
    intro b : G.
    intro c : G.
    intro h : (= (op a b) (op a c)).
    show (= (op (inv a) (op a b)) b) by inv_op_cancel.
    show (= (op (inv a) (op a c)) c) by inv_op_cancel.
    show (= (op (inv a) (op a c)) b) by rewrite.
    show (= c b) by rewrite.
    show (= b c) by eq_symm.
}

/* (a⁻¹)⁻¹ = a: inversion is an involution (inv_op_cancel at a⁻¹, then op_id_r). */
theorem inv_inv : [('a : G) -> (= (inv (inv 'a)) 'a)] {
    intro a : G.
    show (= (op (inv (inv a)) (op (inv a) a)) a) by inv_op_cancel.
    show (= (op (inv a) a) id) by inv_l.
    show (= (op (inv (inv a)) id) a) by rewrite.
    show (= (op (inv (inv a)) id) (inv (inv a))) by op_id_r.
    show (= (inv (inv a)) a) by rewrite.
}

/* a * b = e implies b = a⁻¹: inverses are unique (left cancellation with inv_r). */
theorem inv_unique : [('a : G) -> ('b : G) -> (= (op 'a 'b) id) -> (= 'b (inv 'a))] {
    intro a : G.
    intro b : G.
    intro h : (= (op a b) id).
    show (= (op a (inv a)) id) by inv_r.
    show (= id (op a (inv a))) by eq_symm.
    show (= (op a b) (op a (inv a))) by rewrite.
    show (= b (inv a)) by op_cancel_l.
}
