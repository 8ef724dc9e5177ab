/* members and pets: written by the member work */
