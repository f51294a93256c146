// PagodaISA
