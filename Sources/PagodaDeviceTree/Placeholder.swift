// PagodaDeviceTree
