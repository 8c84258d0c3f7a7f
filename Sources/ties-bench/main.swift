print("ties-bench: placeholder")
