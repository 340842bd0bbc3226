"""`python -m splitledger` runs the same entry point as the console script."""

from splitledger.launch import main

if __name__ == "__main__":
    main()
