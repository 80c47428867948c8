/* Addition on the naturals, proven from the Peano axioms of the nat-add theory.
   Check with:  telos check examples/nat-add.p --theory nat-add */

/* 0 + n = n: the left identity, by induction on n (apply nat_ind, one goal block per case). */
theorem zero_add : [('n : nat) -> (= (+ z 'n) 'n)] {
    apply nat_ind.
    goal (= (+ z z) z) {
        show (= (+ z z) z) by +_z.
    }
    goal [('n : nat) -> (= (+ z 'n) 'n) -> (= (+ z (s 'n)) (s 'n))] {
        intro n : nat.
        intro h : (= (+ z n) n).
        show (= (+ z (s n)) (s (+ z n))) by +_s.
        show (= (+ z (s n)) (s n)) by rewrite.
    }
}

/* (s a) + b = s (a + b): the successor moves out of the left argument, by induction on b. */
theorem succ_add : [('a : nat) -> ('b : nat) -> (= (+ (s 'a) 'b) (s (+ 'a 'b)))] {
    intro a : nat.
    apply nat_ind.
    goal (= (+ (s a) z) (s (+ a z))) {
        show (= (+ (s a) z) (s a)) by +_z.
        show (= (+ a z) a) by +_z.
        show (= a (+ a z)) by eq_symm.
        show (= (+ (s a) z) (s (+ a z))) by rewrite.
    }
    goal [('b : nat) -> (= (+ (s a) 'b) (s (+ a 'b))) -> (= (+ (s a) (s 'b)) (s (+ a (s 'b))))] {
        intro b : nat.
        intro h : (= (+ (s a) b) (s (+ a b))).
        current goal: (= (+ (s a) (s b)) (s (+ a (s b)))).
        show (= (+ (s a) (s b)) (s (+ (s a) b))) by +_s.
        show (= (+ (s a) (s b)) (s (s (+ a b)))) by rewrite.
        show (= (+ a (s b)) (s (+ a b))) by +_s.
        show (= (s (+ a b)) (+ a (s b))) by eq_symm.
        show (= (+ (s a) (s b)) (s (+ a (s b)))) by rewrite.
    }
}

/* a + b = b + a: commutativity, by induction on b using zero_add and succ_add from above. */
theorem add_comm : [('a : nat) -> ('b : nat) -> (= (+ 'a 'b) (+ 'b 'a))] {
    intro a : nat.
    apply nat_ind.
    goal (= (+ a z) (+ z a)) {
        show (= (+ a z) a) by +_z.
        show (= (+ z a) a) by zero_add.
        show (= a (+ z a)) by eq_symm.
        show (= (+ a z) (+ z a)) by rewrite.
    }
    goal [('b : nat) -> (= (+ a 'b) (+ 'b a)) -> (= (+ a (s 'b)) (+ (s 'b) a))] {
        intro b : nat.
        intro h : (= (+ a b) (+ b a)).
        show (= (+ a (s b)) (s (+ a b))) by +_s.
        show (= (+ a (s b)) (s (+ b a))) by rewrite.
        show (= (+ (s b) a) (s (+ b a))) by succ_add.
        show (= (s (+ b a)) (+ (s b) a)) by eq_symm.
        show (= (+ a (s b)) (+ (s b) a)) by rewrite.
    }
}

/* (a + b) + c = a + (b + c): associativity, by induction on c. */
theorem add_assoc : [('a : nat) -> ('b : nat) -> ('c : nat) -> (= (+ (+ 'a 'b) 'c) (+ 'a (+ 'b 'c)))] {
    intro a : nat.
    intro b : nat.
    apply nat_ind.
    goal (= (+ (+ a b) z) (+ a (+ b z))) {
        show (= (+ (+ a b) z) (+ a b)) by +_z.
        show (= (+ b z) b) by +_z.
        show (= b (+ b z)) by eq_symm.
        show (= (+ (+ a b) z) (+ a (+ b z))) by rewrite.
    }
    goal [('c : nat) -> (= (+ (+ a b) 'c) (+ a (+ b 'c))) -> (= (+ (+ a b) (s 'c)) (+ a (+ b (s 'c))))] {
        intro c : nat.
        intro h : (= (+ (+ a b) c) (+ a (+ b c))).
        show (= (+ (+ a b) (s c)) (s (+ (+ a b) c))) by +_s.
        show (= (+ (+ a b) (s c)) (s (+ a (+ b c)))) by rewrite.
        show (= (+ b (s c)) (s (+ b c))) by +_s.
        show (= (s (+ b c)) (+ b (s c))) by eq_symm.
        show (= (+ a (s (+ b c))) (s (+ a (+ b c)))) by +_s.
        show (= (+ a (+ b (s c))) (s (+ a (+ b c)))) by rewrite.
        show (= (s (+ a (+ b c))) (+ a (+ b (s c)))) by eq_symm.
        show (= (+ (+ a b) (s c)) (+ a (+ b (s c)))) by rewrite.
    }
}

/* n + 1 = s n: adding one is the successor (two axiom steps and a rewrite, no induction). */
theorem add_one : [('n : nat) -> (= (+ 'n (s z)) (s 'n))] {
    intro n : nat.
    show (= (+ n (s z)) (s (+ n z))) by +_s.
    show (= (+ n z) n) by +_z.
    show (= (+ n (s z)) (s n)) by rewrite.
}

/* 1 + n = s n: the other side, from succ_add and zero_add (lemmas used at instances). */
theorem one_add : [('n : nat) -> (= (+ (s z) 'n) (s 'n))] {
    intro n : nat.
    show (= (+ (s z) n) (s (+ z n))) by succ_add.
    show (= (+ z n) n) by zero_add.
    show (= (+ (s z) n) (s n)) by rewrite.
}

/* a + s b = s a + b: a successor can move between the arguments (by +_s and succ_add). */
theorem add_succ_comm : [('a : nat) -> ('b : nat) -> (= (+ 'a (s 'b)) (+ (s 'a) 'b))] {
    intro a : nat.
    intro b : nat.
    show (= (+ a (s b)) (s (+ a b))) by +_s.
    show (= (+ (s a) b) (s (+ a b))) by succ_add.
    show (= (s (+ a b)) (+ (s a) b)) by eq_symm.
    show (= (+ a (s b)) (+ (s a) b)) by rewrite.
}

/* 2 + 2 = 4: a closed computation by unfolding +_s twice and +_z once. */
theorem two_plus_two : (= (+ (s (s z)) (s (s z))) (s (s (s (s z))))) {
    show (= (+ (s (s z)) (s (s z))) (s (+ (s (s z)) (s z)))) by +_s.
    show (= (+ (s (s z)) (s z)) (s (+ (s (s z)) z))) by +_s.
    show (= (+ (s (s z)) z) (s (s z))) by +_z.
    show (= (+ (s (s z)) (s z)) (s (s (s z)))) by rewrite.
    show (= (+ (s (s z)) (s (s z))) (s (s (s (s z))))) by rewrite.
}

/* a = b and b = c give a = c: transitivity of equality is one rewrite. */
theorem eq_trans_nat : [('a : nat) -> ('b : nat) -> ('c : nat) -> (= 'a 'b) -> (= 'b 'c) -> (= 'a 'c)] {
    intro a : nat.
    intro b : nat.
    intro c : nat.
    intro h1 : (= a b).
    intro h2 : (= b c).
    show (= a c) by rewrite.
}

/* s n = n + 1: succ_eq_add_one of the Natural Number Game, add_one read backwards. */
theorem succ_eq_add_one : [('n : nat) -> (= (s 'n) (+ 'n (s z)))] {
    intro n : nat.
    show (= (+ n (s z)) (s n)) by add_one.
    show (= (s n) (+ n (s z))) by eq_symm.
}

/* (a + b) + c = (a + c) + b: both sides reassociate (add_assoc), then b + c = c + b (add_comm). */
theorem add_right_comm : [('a : nat) -> ('b : nat) -> ('c : nat) -> (= (+ (+ 'a 'b) 'c) (+ (+ 'a 'c) 'b))] {
    intro a : nat.
    intro b : nat.
    intro c : nat.
    show (= (+ (+ a b) c) (+ a (+ b c))) by add_assoc.
    show (= (+ b c) (+ c b)) by add_comm.
    show (= (+ (+ a b) c) (+ a (+ c b))) by rewrite.
    show (= (+ (+ a c) b) (+ a (+ c b))) by add_assoc.
    show (= (+ a (+ c b)) (+ (+ a c) b)) by eq_symm.
    show (= (+ (+ a b) c) (+ (+ a c) b)) by rewrite.
}
