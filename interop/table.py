#!/usr/bin/env python3
import json, sys
m = json.load(open(sys.argv[2]))
print(m["stack"], m["exit_status"])
