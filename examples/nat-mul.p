/* Multiplication on the naturals, proven from the Peano axioms of the nat-mul theory.
   Check with:  telos check examples/nat-mul.p --theory nat-mul */

/* n * 1 = n: unfold *_s once, then *_z and +_z, rewriting twice. */
theorem mul_one : [('a : nat) -> (= (* 'a (s z)) 'a)] {
    intro a : nat.
    show (= (* a (s z)) (+ a (* a z))) by *_s.
    show (= (* a z) z) by *_z.
    show (= (* a (s z)) (+ a z)) by rewrite.
    show (= (+ a z) a) by +_z.
    show (= (* a (s z)) a) by rewrite.
}

/* 0 * n = 0: zero absorbs from the left too, by induction on n. */
theorem zero_mul : [('n : nat) -> (= (* z 'n) z)] {
    apply nat_ind.
    goal (= (* z z) z) {
        show (= (* z z) z) by *_z.
    }
    goal [('n : nat) -> (= (* z 'n) z) -> (= (* z (s 'n)) z)] {
        intro n : nat.
        intro h : (= (* z n) z).
        show (= (* z (s n)) (+ z (* z n))) by *_s.
        show (= (* z (s n)) (+ z z)) by rewrite.
        show (= (+ z z) z) by +_z.
        show (= (* z (s n)) z) by rewrite.
    }
}

/* 1 + n = s n: a fact about addition that one_mul needs, by induction on n. */
theorem one_add : [('n : nat) -> (= (+ (s z) 'n) (s 'n))] {
    apply nat_ind.
    goal (= (+ (s z) z) (s z)) {
        show (= (+ (s z) z) (s z)) by +_z.
    }
    goal [('n : nat) -> (= (+ (s z) 'n) (s 'n)) -> (= (+ (s z) (s 'n)) (s (s 'n)))] {
        intro n : nat.
        intro h : (= (+ (s z) n) (s n)).
        show (= (+ (s z) (s n)) (s (+ (s z) n))) by +_s.
        show (= (+ (s z) (s n)) (s (s n))) by rewrite.
    }
}

/* 1 * n = n: the left identity, by induction on n using one_add. */
theorem one_mul : [('n : nat) -> (= (* (s z) 'n) 'n)] {
    apply nat_ind.
    goal (= (* (s z) z) z) {
        show (= (* (s z) z) z) by *_z.
    }
    goal [('n : nat) -> (= (* (s z) 'n) 'n) -> (= (* (s z) (s 'n)) (s 'n))] {
        intro n : nat.
        intro h : (= (* (s z) n) n).
        show (= (* (s z) (s n)) (+ (s z) (* (s z) n))) by *_s.
        show (= (* (s z) (s n)) (+ (s z) n)) by rewrite.
        show (= (+ (s z) n) (s n)) by one_add.
        show (= (* (s z) (s n)) (s n)) by rewrite.
    }
}

/* n * 2 = n + n: unfold *_s once and finish with mul_one. */
theorem mul_two : [('n : nat) -> (= (* 'n (s (s z))) (+ 'n 'n))] {
    intro n : nat.
    show (= (* n (s (s z))) (+ n (* n (s z)))) by *_s.
    show (= (* n (s z)) n) by mul_one.
    show (= (* n (s (s z))) (+ n n)) by rewrite.
}

/* 2 * 2 = 4: a closed computation through mul_two and three addition axioms. */
theorem two_times_two : (= (* (s (s z)) (s (s z))) (s (s (s (s z))))) {
    show (= (* (s (s z)) (s (s z))) (+ (s (s z)) (s (s z)))) by mul_two.
    show (= (+ (s (s z)) (s (s z))) (s (+ (s (s z)) (s z)))) by +_s.
    show (= (+ (s (s z)) (s z)) (s (+ (s (s z)) z))) by +_s.
    show (= (+ (s (s z)) z) (s (s z))) by +_z.
    show (= (+ (s (s z)) (s z)) (s (s (s z)))) by rewrite.
    show (= (+ (s (s z)) (s (s z))) (s (s (s (s z))))) by rewrite.
    show (= (* (s (s z)) (s (s z))) (s (s (s (s z))))) by rewrite.
}

/* a * s b = a + a * b, stated for every a and b: the axiom *_s, used through intro. */
theorem mul_succ : [('a : nat) -> ('b : nat) -> (= (* 'a (s 'b)) (+ 'a (* 'a 'b)))] {
    intro a : nat.
    intro b : nat.
    show (= (* a (s b)) (+ a (* a b))) by *_s.
}
