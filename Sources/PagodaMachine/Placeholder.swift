// PagodaMachine
