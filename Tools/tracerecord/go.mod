module tracegen/tools/tracerecord

go 1.22
