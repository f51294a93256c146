// PagodaLoader
