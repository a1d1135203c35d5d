module interop/goapi

go 1.19
